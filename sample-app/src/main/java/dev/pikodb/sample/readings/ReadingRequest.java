package dev.pikodb.sample.readings;

import jakarta.validation.constraints.DecimalMax;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import java.time.Instant;

/**
 * The body of {@code POST /api/readings}.
 *
 * @param sensor required sensor id, at most 100 characters
 * @param temperature required, degrees Celsius
 * @param humidity optional, 0 to 100
 * @param timestamp optional; now when absent
 */
public record ReadingRequest(
        @NotBlank @Size(max = 100) String sensor,
        @NotNull Double temperature,
        @DecimalMin("0") @DecimalMax("100") Double humidity,
        Instant timestamp) {
}
