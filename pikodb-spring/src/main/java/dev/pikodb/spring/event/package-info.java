/**
 * PikoDB's changes as Spring application events: {@link dev.pikodb.spring.event.PikoDBEventBridge}
 * subscribes to stores and publishes {@link dev.pikodb.spring.event.PikoDBApplicationEvent}s.
 */
package dev.pikodb.spring.event;
