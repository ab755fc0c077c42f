package dev.pikodb.autoconfigure;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Reports a {@link PikoDBConfigurationException} at startup as a description naming the property and
 * its value, and an action saying how to fix it.
 */
class PikoDBConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PikoDBConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PikoDBConfigurationException cause) {
        StringBuilder description = new StringBuilder();
        description.append("PikoDB could not be configured.").append(System.lineSeparator())
            .append(System.lineSeparator())
            .append("    Property: ").append(cause.getProperty()).append(System.lineSeparator())
            .append("    Value: ").append(cause.getValue()).append(System.lineSeparator())
            .append("    Reason: ").append(cause.getReason());
        return new FailureAnalysis(description.toString(), cause.getAction(), cause);
    }
}
