package dev.pikodb.sample.readings;

import java.time.Instant;

/**
 * A sensor reading as stored in the {@code readings} table with the {@code sensors} dictionary: on
 * disk its keys are {@code s}, {@code t}, {@code h} and {@code ts}; reads return these names.
 *
 * @param sensor the sensor's id
 * @param temperature degrees Celsius
 * @param humidity relative humidity in percent, or {@code null}
 * @param timestamp when it was measured (millisecond precision)
 */
public record Reading(String sensor, double temperature, Double humidity, Instant timestamp) {
}
