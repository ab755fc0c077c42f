package dev.pikodb.tck;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a parameterized contract test whose cases all run on one database: the first case opens it
 * (fixture, clock and started instance, as {@link ContractSupport} opens one for any test), the
 * following cases find it in {@link ContractSupport#db}, and it is closed with its fixture after the
 * last case.
 *
 * <p>Only for cases that check that a call is refused and leave the database with the contents they
 * found, and assert that they did (so a case that changed it fails itself, whatever the order of the cases):
 * on a server engine opening a database costs more than such a case, and a few hundred of them
 * would spend most of their time opening and closing engines. Such a test must not {@code reopen()}
 * the shared instance or move the clock; it may open further instances, which are closed after it.
 */
@Documented
@Retention(RetentionPolicy.RUNTIME)
@Target(ElementType.METHOD)
public @interface OneDatabaseForAllCases {
}
