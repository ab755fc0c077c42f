package dev.pikodb.test.autoconfigure;

import org.springframework.boot.test.autoconfigure.TestSliceTestContextBootstrapper;

/**
 * The test context bootstrapper of {@link PikoDBTest}: it adds the slice's {@code properties}.
 */
class PikoDBTestContextBootstrapper extends TestSliceTestContextBootstrapper<PikoDBTest> {
}
