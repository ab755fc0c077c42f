package dev.pikodb.test.autoconfigure;

import org.springframework.boot.test.context.filter.annotation.StandardAnnotationCustomizableTypeExcludeFilter;

/**
 * The component scan filter of {@link PikoDBTest}: by default no component of the application is
 * scanned (repositories are found by the repository scan, not the component scan); the slice's
 * {@code includeFilters} and {@code excludeFilters} adjust that.
 */
public final class PikoDBTypeExcludeFilter extends StandardAnnotationCustomizableTypeExcludeFilter<PikoDBTest> {

    /**
     * Creates the filter for a test class.
     *
     * @param testClass the test class
     */
    PikoDBTypeExcludeFilter(Class<?> testClass) {
        super(testClass);
    }
}
