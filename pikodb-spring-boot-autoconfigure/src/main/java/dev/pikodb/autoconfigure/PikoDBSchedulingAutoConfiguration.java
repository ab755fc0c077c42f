package dev.pikodb.autoconfigure;

import dev.pikodb.PikoDB;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.scheduling.TaskScheduler;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration} of what
 * every {@link PikoDB} bean's lifecycle needs, whether auto-configured or defined by the application:
 * the {@link PikoDBScheduler} its background tasks run on, and the logging of its close.
 */
@AutoConfiguration(after = { PikoDBAutoConfiguration.class, TaskSchedulingAutoConfiguration.class })
@ConditionalOnClass(PikoDB.class)
@ConditionalOnBean(PikoDB.class)
public final class PikoDBSchedulingAutoConfiguration {

    PikoDBSchedulingAutoConfiguration() {
    }

    @Bean
    static PikoDBClosingPostProcessor pikodbClosingPostProcessor() {
        return new PikoDBClosingPostProcessor();
    }

    @Bean
    @ConditionalOnMissingBean
    PikoDBScheduler pikodbScheduler(ObjectProvider<TaskScheduler> applicationSchedulers) {
        TaskScheduler application = applicationSchedulers.getIfUnique();
        return (application != null) ? PikoDBScheduler.using(application) : PikoDBScheduler.ownThread();
    }
}
