package dev.pikodb.autoconfigure.cache;

import dev.pikodb.spring.cache.PikoDBCacheManager;

/**
 * Callback that customizes the auto-configured {@link PikoDBCacheManager} after the
 * {@code pikodb.cache.*} properties have been applied. Every customizer bean is applied, in
 * {@link org.springframework.core.Ordered order}.
 */
@FunctionalInterface
public interface PikoDBCacheManagerBuilderCustomizer {

    /**
     * Customizes the builder.
     *
     * @param builder the builder, already holding the configured properties
     */
    void customize(PikoDBCacheManager.Builder builder);
}
