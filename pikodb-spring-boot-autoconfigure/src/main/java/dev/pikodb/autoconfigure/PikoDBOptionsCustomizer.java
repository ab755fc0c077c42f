package dev.pikodb.autoconfigure;

import dev.pikodb.DatabaseOptions;

/**
 * Callback that customizes the {@link DatabaseOptions} of the auto-configured {@link dev.pikodb.PikoDB}
 * after the {@code pikodb.*} properties have been applied. Every customizer bean is applied, in
 * {@link org.springframework.core.Ordered order}.
 *
 * <p>By default the store serialises values with its own fixed JSON mapper, so that stored data never
 * changes shape when the application changes {@code spring.jackson.*} settings. An application that
 * wants its values stored with the application's mapper opts in explicitly:
 *
 * <pre>{@code
 * @Bean
 * PikoDBOptionsCustomizer useApplicationJsonMapper(JsonMapper jsonMapper) {
 *     return options -> options.jsonMapper(jsonMapper);
 * }
 * }</pre>
 *
 * <p>Changing the mapper of an existing database changes how new writes are stored and how stored
 * values are read back; choose it once.
 */
@FunctionalInterface
public interface PikoDBOptionsCustomizer {

    /**
     * Customizes the options builder.
     *
     * @param options the builder, already holding the configured properties
     */
    void customize(DatabaseOptions.Builder options);
}
