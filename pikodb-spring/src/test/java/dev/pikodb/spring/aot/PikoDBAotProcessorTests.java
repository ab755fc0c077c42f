package dev.pikodb.spring.aot;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.data.Note;
import dev.pikodb.spring.data.Session;
import dev.pikodb.spring.data.repository.config.EnablePikoDBRepositories;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.EnableCaching;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.context.annotation.AnnotationConfigUtils;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.javapoet.ClassName;

class PikoDBAotProcessorTests {

    record Summary(String owner, int notes, Detail detail) {
    }

    record Detail(BigDecimal score) {
    }

    record Price(String sku, BigDecimal amount) {
    }

    record Stock(String sku, int count) {
    }

    record Unrelated(String value) {
    }

    static class SummaryService {

        @Cacheable("summaries")
        public List<Summary> summaries(String owner) {
            return List.of();
        }

        @CachePut("prices")
        public Optional<Price> price(String sku) {
            return Optional.empty();
        }

        public Unrelated notCached() {
            return new Unrelated("x");
        }
    }

    @Cacheable("stock")
    static class StockService {

        public CompletableFuture<Stock> stock(String sku) {
            return CompletableFuture.completedFuture(new Stock(sku, 1));
        }
    }

    @Configuration(proxyBeanMethods = false)
    @EnableCaching
    @EnablePikoDBRepositories(basePackageClasses = Note.class)
    static class ApplicationConfiguration {

        /** Never created: ahead-of-time processing only reads bean definitions. */
        @Bean(destroyMethod = "close")
        PikoDB pikoDB(Environment environment) {
            PikoDB pikoDB = new PikoDB(Path.of(environment.getRequiredProperty("test.directory")));
            pikoDB.start();
            return pikoDB;
        }

        @Bean
        SummaryService summaryService() {
            return new SummaryService();
        }

        @Bean
        StockService stockService() {
            return new StockService();
        }
    }

    @Test
    void registersBindingHintsForCachedValuesAndRepositoryEntities() {
        GenericApplicationContext context = new GenericApplicationContext();
        AnnotationConfigUtils.registerAnnotationConfigProcessors(context);
        context.registerBean(ApplicationConfiguration.class);
        DefaultGenerationContext generationContext = new DefaultGenerationContext(
                new ClassNameGenerator(ClassName.get(PikoDBAotProcessorTests.class)), new InMemoryGeneratedFiles());

        new ApplicationContextAotGenerator().processAheadOfTime(context, generationContext);

        RuntimeHints hints = generationContext.getRuntimeHints();
        for (Class<?> type : List.of(Summary.class, Detail.class, Price.class, Stock.class, Note.class, Session.class)) {
            assertThat(RuntimeHintsPredicates.reflection().onType(type)
                .withMemberCategory(MemberCategory.INVOKE_DECLARED_CONSTRUCTORS)).as(type.getName()).accepts(hints);
        }
        assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(Note.class, "getTitle")).accepts(hints);
        assertThat(RuntimeHintsPredicates.reflection().onType(Unrelated.class)).rejects(hints);
    }
}
