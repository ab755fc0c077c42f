/**
 * Configuration of Spring Data repositories over PikoDB: {@link EnablePikoDBRepositories}.
 */
package dev.pikodb.spring.data.repository.config;
