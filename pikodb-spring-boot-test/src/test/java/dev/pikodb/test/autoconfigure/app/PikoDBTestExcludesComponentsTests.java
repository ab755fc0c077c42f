package dev.pikodb.test.autoconfigure.app;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pikodb.PikoDB;
import dev.pikodb.test.autoconfigure.PikoDBTest;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.cache.CacheManager;
import org.springframework.context.ApplicationContext;

@PikoDBTest
class PikoDBTestExcludesComponentsTests {

    @Autowired
    ApplicationContext context;

    @Test
    void noComponentOfTheApplicationAndNoCacheUnlessEnabled() {
        assertThat(context.getBeansOfType(PikoDB.class)).hasSize(1);
        assertThat(context.getBeansOfType(BookRepository.class)).hasSize(1);
        assertThat(context.getBeansOfType(TitleService.class)).isEmpty();
        assertThat(context.getBeansOfType(ChangeCounter.class)).isEmpty();
        assertThat(context.getBeansOfType(CacheManager.class).values()).allSatisfy((manager) -> assertThat(manager.getClass()
            .getName()).doesNotContain("PikoDB"));
    }
}
