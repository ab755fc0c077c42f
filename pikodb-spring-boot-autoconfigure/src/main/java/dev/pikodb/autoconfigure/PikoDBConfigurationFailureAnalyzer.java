package dev.pikodb.autoconfigure;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.Environment;

/**
 * Reports a {@link PikoDBConfigurationException} at startup: the property, its value as written, where
 * it was written (file and line, when it comes from the environment), what is wrong, and what to do.
 * It runs before Spring Boot's own analyzer for invalid property values, whose report has no action.
 */
@Order(Ordered.HIGHEST_PRECEDENCE)
class PikoDBConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<PikoDBConfigurationException> {

    private final @Nullable Environment environment;

    /**
     * Creates the analyzer; Spring Boot passes the application's environment.
     *
     * @param environment the environment the failing application was started with, or {@code null}
     */
    PikoDBConfigurationFailureAnalyzer(@Nullable Environment environment) {
        this.environment = environment;
    }

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, PikoDBConfigurationException cause) {
        ConfigurationProperty configured = findProperty(cause.getName());
        String nl = System.lineSeparator();
        StringBuilder description = new StringBuilder();
        description.append("PikoDB could not be configured.").append(nl).append(nl);
        description.append("    Property: ").append(cause.getName()).append(nl);
        description.append("    Value: ").append(describeValue(cause, configured)).append(nl);
        Origin origin = (configured != null) ? configured.getOrigin() : null;
        if (origin != null) {
            description.append("    Origin: ").append(origin).append(nl);
        }
        else {
            // A property that groups others (a dictionary with its mappings): where each part was written.
            findParts(cause.getName()).forEach((part, partOrigin) -> description.append("    Origin: ")
                .append(partOrigin).append(" (").append(part).append(')').append(nl));
        }
        description.append("    Reason: ").append(cause.getReason());
        return new FailureAnalysis(description.toString(), cause.getAction(), cause);
    }

    private static String describeValue(PikoDBConfigurationException cause, @Nullable ConfigurationProperty configured) {
        Object used = cause.getValue();
        if (configured == null || configured.getValue() == null) {
            return String.valueOf(used);
        }
        String written = configured.getValue().toString();
        if (used instanceof Path path && !written.equals(path.toString())) {
            return written + " (resolved to " + path + ")";
        }
        return written;
    }

    /**
     * The origin of the first property written under each direct child of {@code name}, in the order of
     * the property sources (highest precedence first): for {@code pikodb.dictionaries.sensors}, where
     * its {@code deflate} and its {@code inflate} mapping were written.
     */
    private Map<String, Origin> findParts(String name) {
        Map<String, Origin> parts = new LinkedHashMap<>();
        if (!(this.environment instanceof ConfigurableEnvironment configurable)
                || !ConfigurationPropertyName.isValid(name)) {
            return parts;
        }
        ConfigurationPropertyName parent = ConfigurationPropertyName.of(name);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            if (!(source instanceof IterableConfigurationPropertySource iterable)) {
                continue;
            }
            iterable.filter(parent::isAncestorOf).forEach((descendant) -> {
                String part = name + "." + descendant.getElement(parent.getNumberOfElements(), Form.ORIGINAL);
                ConfigurationProperty property = iterable.getConfigurationProperty(descendant);
                Origin origin = (property != null) ? property.getOrigin() : null;
                if (origin != null) {
                    parts.putIfAbsent(part, origin);
                }
            });
        }
        return parts;
    }

    private @Nullable ConfigurationProperty findProperty(String name) {
        if (!(this.environment instanceof ConfigurableEnvironment configurable)
                || !ConfigurationPropertyName.isValid(name)) {
            return null;
        }
        ConfigurationPropertyName propertyName = ConfigurationPropertyName.of(name);
        for (ConfigurationPropertySource source : ConfigurationPropertySources.get(configurable)) {
            ConfigurationProperty property = source.getConfigurationProperty(propertyName);
            if (property != null) {
                return property;
            }
        }
        return null;
    }
}
