package dev.pikodb.spring.aot;

import dev.pikodb.spring.data.repository.support.PikoDBRepositoryFactoryBean;
import java.lang.reflect.Type;
import java.util.Set;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.ConstructorArgumentValues.ValueHolder;
import org.springframework.data.repository.core.support.AbstractRepositoryMetadata;
import org.springframework.util.ClassUtils;

/**
 * Finds the domain type of a PikoDB repository bean definition. Loaded only when Spring Data KeyValue
 * is on the classpath.
 */
final class RepositoryDomainTypes {

    private RepositoryDomainTypes() {
    }

    static void collect(BeanDefinition definition, ClassLoader classLoader, Set<Type> types) {
        if (!PikoDBRepositoryFactoryBean.class.getName().equals(definition.getBeanClassName())) {
            return;
        }
        ValueHolder argument = definition.getConstructorArgumentValues().getIndexedArgumentValue(0, null);
        if (argument == null || argument.getValue() == null) {
            return;
        }
        Object value = argument.getValue();
        Class<?> repositoryInterface = (value instanceof Class<?> type) ? type
                : ClassUtils.resolveClassName(value.toString(), classLoader);
        types.add(AbstractRepositoryMetadata.getMetadata(repositoryInterface).getDomainType());
    }
}
