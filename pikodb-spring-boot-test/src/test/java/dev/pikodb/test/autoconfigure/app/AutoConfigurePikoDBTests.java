package dev.pikodb.test.autoconfigure.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.AutoConfigurePikoDB;
import dev.pikodb.test.autoconfigure.TemporaryDatabaseDirectory;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.TestContextManager;

class AutoConfigurePikoDBTests {

    @SpringBootTest
    @AutoConfigurePikoDB
    static class FirstApplicationTest {
    }

    @SpringBootTest(properties = "unrelated=1")
    @AutoConfigurePikoDB
    static class SecondApplicationTest {
    }

    @SpringBootTest(properties = "pikodb.database-directory=target/chosen-by-the-test")
    @AutoConfigurePikoDB
    static class OwnDirectoryTest {
    }

    @SpringBootTest
    static class WithoutTestSupport {
    }

    private static ApplicationContext load(Class<?> testClass) throws Exception {
        TestContextManager manager = new TestContextManager(testClass);
        return manager.getTestContext().getApplicationContext();
    }

    private static void close(Class<?> testClass) {
        new TestContextManager(testClass).getTestContext().markApplicationContextDirty(DirtiesContext.HierarchyMode.EXHAUSTIVE);
    }

    @Test
    void twoFullApplicationContextsRunSideBySideEachInItsOwnDirectoryDeletedOnClose() throws Exception {
        ApplicationContext first = load(FirstApplicationTest.class);
        ApplicationContext second = load(SecondApplicationTest.class);
        try {
            assertThat(first).isNotSameAs(second);
            Path firstDirectory = first.getBean(TemporaryDatabaseDirectory.class).getPath();
            Path secondDirectory = second.getBean(TemporaryDatabaseDirectory.class).getPath();
            assertThat(firstDirectory).isNotEqualTo(secondDirectory);
            PikoDB firstStore = first.getBean(PikoDB.class);
            PikoDB secondStore = second.getBean(PikoDB.class);
            assertThat(firstStore.options().databaseDirectory().toAbsolutePath()).isEqualTo(firstDirectory);
            assertThat(secondStore.options().databaseDirectory().toAbsolutePath()).isEqualTo(secondDirectory);
            // A full application: its components and every auto-configuration, not only PikoDB's.
            assertThat(first.getBean(TitleService.class)).isNotNull();
            assertThat(first.containsBean("applicationTaskExecutor")).isTrue();

            first.getBean(BookRepository.class).save(new Book("1", "Emma", null));
            secondStore.write("books", "1", "another store");
            firstStore.flush();
            assertThat(firstDirectory.resolve("books")).isRegularFile();

            close(FirstApplicationTest.class);
            assertThat(((ConfigurableApplicationContext) first).isActive()).isFalse();
            assertThat(firstStore.isOpen()).isFalse();
            assertThat(firstDirectory).doesNotExist();
            assertThat(secondStore.isOpen()).isTrue();
            assertThat(secondDirectory).isDirectory();
        }
        finally {
            close(FirstApplicationTest.class);
            close(SecondApplicationTest.class);
        }
    }

    @Test
    void aDirectorySetByTheTestWins() throws Exception {
        ApplicationContext context = load(OwnDirectoryTest.class);
        try {
            assertThat(context.getBeansOfType(TemporaryDatabaseDirectory.class)).isEmpty();
            assertThat(context.getBean(PikoDB.class).options().databaseDirectory())
                .isEqualTo(Path.of("target/chosen-by-the-test"));
        }
        finally {
            close(OwnDirectoryTest.class);
        }
    }

    @Test
    void withoutTheAnnotationTheApplicationsDirectoryIsUsed() throws Exception {
        ApplicationContext context = load(WithoutTestSupport.class);
        try {
            assertThat(context.getBeansOfType(TemporaryDatabaseDirectory.class)).isEmpty();
            assertThat(context.getBean(PikoDB.class).options().databaseDirectory())
                .isEqualTo(Path.of("target/must-not-be-used"));
        }
        finally {
            close(WithoutTestSupport.class);
        }
    }
}
