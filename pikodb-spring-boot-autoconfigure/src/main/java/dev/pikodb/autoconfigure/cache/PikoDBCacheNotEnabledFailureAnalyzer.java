package dev.pikodb.autoconfigure.cache;

import org.jspecify.annotations.Nullable;
import org.springframework.beans.factory.NoSuchBeanDefinitionException;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.cache.CacheManager;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.Order;
import org.springframework.core.env.Environment;
import org.springframework.util.ClassUtils;

/**
 * Reports an application that switches caching on ({@code @EnableCaching}) without a
 * {@link CacheManager} while PikoDB's cache is off: Spring's own report only says that no bean of
 * type {@code CacheManager} was found, where the usual cause is that {@code pikodb.cache.enabled} is
 * not set. It runs before Spring Boot's analyzer for a missing bean, and only when the missing bean is
 * a {@code CacheManager}, PikoDB's cache module is on the classpath, and the property is not
 * {@code true}.
 */
@Order(0)
class PikoDBCacheNotEnabledFailureAnalyzer extends AbstractFailureAnalyzer<NoSuchBeanDefinitionException> {

    static final String PROPERTY = "pikodb.cache.enabled";

    private static final String PIKODB_CACHE_MANAGER = "dev.pikodb.spring.cache.PikoDBCacheManager";

    private final @Nullable Environment environment;

    /**
     * Creates the analyzer; Spring Boot passes the application's environment.
     *
     * @param environment the environment the failing application was started with, or {@code null}
     */
    PikoDBCacheNotEnabledFailureAnalyzer(@Nullable Environment environment) {
        this.environment = environment;
    }

    @Override
    protected @Nullable FailureAnalysis analyze(Throwable rootFailure, NoSuchBeanDefinitionException cause) {
        if (!isCacheManager(cause.getResolvableType()) || cacheEnabled()
                || !ClassUtils.isPresent(PIKODB_CACHE_MANAGER, getClass().getClassLoader())) {
            return null;
        }
        String description = "Caching is switched on (@EnableCaching) and needs a bean of type '"
                + CacheManager.class.getName() + "', but there is none. PikoDB's cache manager is created only"
                + " when " + PROPERTY + " is true, and it is "
                + ((this.environment != null && this.environment.containsProperty(PROPERTY))
                        ? "set to '" + this.environment.getProperty(PROPERTY) + "'" : "not set")
                + ".";
        String action = "Set " + PROPERTY + "=true to keep the caches in PikoDB tables (they survive restarts;"
                + " see pikodb.cache.* for time-to-live and the caches created at startup). Otherwise define a"
                + " CacheManager bean, add spring-boot-starter-cache for Spring Boot's own cache manager, or remove"
                + " @EnableCaching.";
        return new FailureAnalysis(description, action, cause);
    }

    private boolean cacheEnabled() {
        return this.environment != null && Boolean.TRUE.equals(this.environment.getProperty(PROPERTY, Boolean.class));
    }

    private static boolean isCacheManager(@Nullable ResolvableType type) {
        return type != null && type.resolve() == CacheManager.class;
    }
}
