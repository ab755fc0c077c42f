package dev.pikodb.autoconfigure.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import dev.pikodb.PikoDB;
import dev.pikodb.autoconfigure.PikoDBAutoConfiguration;
import dev.pikodb.autoconfigure.data.sample.Book;
import dev.pikodb.autoconfigure.data.sample.BookRepository;
import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurationPackage;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Configuration;
import org.springframework.dao.OptimisticLockingFailureException;
import org.springframework.data.keyvalue.core.KeyValueOperations;

class PikoDBRepositoriesAutoConfigurationTests {

    @TempDir
    Path directory;

    @Configuration(proxyBeanMethods = false)
    @AutoConfigurationPackage(basePackageClasses = Book.class)
    static class ApplicationConfiguration {
    }

    @Configuration(proxyBeanMethods = false)
    @EnablePikoDBRepositories(basePackageClasses = Book.class)
    static class OwnRepositoriesConfiguration {
    }

    private final ApplicationContextRunner runner = new ApplicationContextRunner()
        .withBean(PikoDBRepositoriesAutoConfigurationTests.class, () -> this)
        .withConfiguration(AutoConfigurations.of(PikoDBAutoConfiguration.class, PikoDBRepositoriesAutoConfiguration.class))
        .withUserConfiguration(ApplicationConfiguration.class);

    private ApplicationContextRunner inDirectory() {
        return runner.withPropertyValues("pikodb.database-directory=" + directory);
    }

    @Test
    void repositoriesOfTheApplicationPackagesAreBackedByPikoDB() {
        inDirectory().run((context) -> {
            assertThat(context).hasSingleBean(BookRepository.class).hasSingleBean(PikoDBKeyValueTemplate.class)
                .hasSingleBean(PikoDBRepositoriesProperties.class);
            BookRepository books = context.getBean(BookRepository.class);
            Book dune = books.save(new Book("isbn-1", "Dune", "Herbert", null));
            assertThat(dune.version()).isEqualTo(1);
            books.save(new Book("isbn-2", "Children of Dune", "Herbert", null));
            assertThat(books.findByAuthor("Herbert")).hasSize(2);
            assertThat(context.getBean(PikoDB.class).getRecord("books", "isbn-1")).isPresent();

            Book renamed = books.save(new Book("isbn-1", "Dune (1965)", "Herbert", dune.version()));
            assertThat(renamed.version()).isEqualTo(2);
            assertThatExceptionOfType(OptimisticLockingFailureException.class)
                .isThrownBy(() -> books.save(new Book("isbn-1", "Stale", "Herbert", dune.version())));
        });
    }

    @Test
    void aQueryMethodNoIndexServesIsReportedByDefault() {
        inDirectory().run((context) -> {
            assertThat(context).hasNotFailed();
            assertThat(context.getBean(PikoDBRepositoriesProperties.class).isRequireIndexes()).isFalse();
        });
    }

    @Test
    void requireIndexesMakesAQueryMethodNoIndexServesAStartupFailure() {
        inDirectory().withPropertyValues("pikodb.repositories.require-indexes=true").run((context) -> {
            assertThat(context).hasFailed();
            assertThat(context.getStartupFailure()).rootCause()
                .hasMessageContaining("BookRepository.findByAuthor (table 'books')")
                .hasMessageContaining("@dev.pikodb.spring.data.Indexed (index 'author' on /author)");
        });
    }

    @Test
    void backsOffWithSeveralStoresAndNoPrimary() {
        runner.withUserConfiguration(TwoStores.class).run((context) -> {
            assertThat(context).hasNotFailed().getBeans(PikoDB.class).hasSize(2);
            assertThat(context).doesNotHaveBean(BookRepository.class).doesNotHaveBean(KeyValueOperations.class);
        });
    }

    @Test
    void usesThePrimaryOfSeveralStores() {
        runner.withUserConfiguration(TwoStores.class, PrimaryStore.class).run((context) -> {
            assertThat(context).getBeans(PikoDB.class).hasSize(3);
            context.getBean(BookRepository.class).save(new Book("isbn-1", "Dune", "Herbert", null));
            assertThat(context.getBean("primaryStore", PikoDB.class).getRecord("books", "isbn-1")).isPresent();
            assertThat(context.getBean("first", PikoDB.class).listTables()).isEmpty();
            assertThat(context.getBean("second", PikoDB.class).listTables()).isEmpty();
        });
    }

    private PikoDB store(String name) {
        PikoDB pikoDB = new PikoDB(dev.pikodb.DatabaseOptions.builder().databaseDirectory(directory.resolve(name)).build());
        pikoDB.start();
        return pikoDB;
    }

    @Configuration(proxyBeanMethods = false)
    static class TwoStores {

        @org.springframework.context.annotation.Bean(destroyMethod = "close")
        PikoDB first(PikoDBRepositoriesAutoConfigurationTests test) {
            return test.store("first");
        }

        @org.springframework.context.annotation.Bean(destroyMethod = "close")
        PikoDB second(PikoDBRepositoriesAutoConfigurationTests test) {
            return test.store("second");
        }
    }

    @Configuration(proxyBeanMethods = false)
    static class PrimaryStore {

        @org.springframework.context.annotation.Bean(destroyMethod = "close")
        @org.springframework.context.annotation.Primary
        PikoDB primaryStore(PikoDBRepositoriesAutoConfigurationTests test) {
            return test.store("primary");
        }
    }

    @Test
    void canBeSwitchedOff() {
        inDirectory().withPropertyValues("pikodb.repositories.enabled=false")
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class)
                .doesNotHaveBean(BookRepository.class)
                .doesNotHaveBean(KeyValueOperations.class));
    }

    @Test
    void backsOffWithoutSpringDataKeyValue() {
        inDirectory().withClassLoader(new FilteredClassLoader("org.springframework.data.keyvalue."))
            .run((context) -> assertThat(context).hasSingleBean(PikoDB.class)
                .doesNotHaveBean(BookRepository.class)
                .doesNotHaveBean(PikoDBRepositoriesProperties.class));
    }

    @Test
    void backsOffWithoutAPikoDBBean() {
        inDirectory().withPropertyValues("pikodb.enabled=false")
            .run((context) -> assertThat(context).doesNotHaveBean(BookRepository.class));
    }

    @Test
    void backsOffWhenTheApplicationEnablesPikoDBRepositoriesItself() {
        inDirectory().withUserConfiguration(OwnRepositoriesConfiguration.class)
            .run((context) -> {
                assertThat(context).hasNotFailed().hasSingleBean(BookRepository.class)
                    .doesNotHaveBean(PikoDBRepositoriesProperties.class);
                assertThat(context.getBean(BookRepository.class).save(new Book("isbn-1", "Dune", "Herbert", null))
                    .version()).isEqualTo(1);
            });
    }
}
