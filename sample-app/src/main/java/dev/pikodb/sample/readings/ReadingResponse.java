package dev.pikodb.sample.readings;

import java.time.Instant;

/**
 * A reading as the API returns it.
 *
 * @param id the reading's key: {@code <sensor>@<epoch millis>}
 * @param version its PikoDB version (above 1 when the same sensor and instant were posted again)
 * @param sensor the sensor's id
 * @param temperature degrees Celsius
 * @param humidity relative humidity, or {@code null}
 * @param timestamp when it was measured
 */
public record ReadingResponse(String id, long version, String sensor, double temperature, Double humidity,
        Instant timestamp) {

    static ReadingResponse of(String id, long version, Reading reading) {
        return new ReadingResponse(id, version, reading.sensor(), reading.temperature(), reading.humidity(),
                reading.timestamp());
    }
}
