/**
 * HTTP sessions stored in PikoDB: {@link dev.pikodb.spring.session.PikoDBSessionRepository}, Spring
 * Session's repository over the store, and {@link dev.pikodb.spring.session.EnablePikoDBHttpSession}
 * for applications without Spring Boot.
 */
package dev.pikodb.spring.session;
