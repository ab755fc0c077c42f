package dev.pikodb.test.autoconfigure.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** The application the tests of the test support run against. */
@SpringBootApplication
@EnableCaching
public class TestApplication {
}
