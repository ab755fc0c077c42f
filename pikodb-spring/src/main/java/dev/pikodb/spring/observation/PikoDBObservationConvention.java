package dev.pikodb.spring.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * Names and tags PikoDB's observations. To change them, implement it (or extend
 * {@link DefaultPikoDBObservationConvention}), say in {@link #supportsContext} which observations it
 * names (by {@link PikoDBObservationContext#getSource()}), and declare it as a bean; the default
 * convention names the others.
 */
public interface PikoDBObservationConvention extends ObservationConvention<PikoDBObservationContext> {

    @Override
    default boolean supportsContext(Observation.Context context) {
        return context instanceof PikoDBObservationContext;
    }
}
