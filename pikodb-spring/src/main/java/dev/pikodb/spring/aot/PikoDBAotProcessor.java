package dev.pikodb.spring.aot;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.lang.reflect.Type;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.Future;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.aot.hint.BindingReflectionHintsRegistrar;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotContribution;
import org.springframework.beans.factory.aot.BeanFactoryInitializationAotProcessor;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.cache.annotation.CachePut;
import org.springframework.cache.annotation.Cacheable;
import org.springframework.cache.annotation.Caching;
import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;
import org.springframework.util.ReflectionUtils;

/**
 * Registers reflection hints for the types PikoDB serialises with Jackson in a Spring application, so
 * that an AOT-processed (native) application reads and writes them without hand-written hints:
 * <ul>
 * <li>the values of Spring caches: the return types of {@code @Cacheable} and {@code @CachePut}
 * methods (on the method or the class) of every bean, unwrapping {@code Optional} and futures;</li>
 * <li>the domain types of PikoDB repositories.</li>
 * </ul>
 * Values written through the plain {@code PikoDB} API are not visible here: declare them with
 * {@code @RegisterReflectionForBinding}.
 */
public class PikoDBAotProcessor implements BeanFactoryInitializationAotProcessor {

    private static final Logger logger = LoggerFactory.getLogger(PikoDBAotProcessor.class);

    private static final boolean REPOSITORIES_PRESENT = ClassUtils.isPresent(
            "org.springframework.data.keyvalue.core.KeyValueAdapter", PikoDBAotProcessor.class.getClassLoader());

    /** Creates the processor; Spring loads it from {@code META-INF/spring/aot.factories}. */
    public PikoDBAotProcessor() {
    }

    @Override
    public BeanFactoryInitializationAotContribution processAheadOfTime(ConfigurableListableBeanFactory beanFactory) {
        Set<Type> types = new LinkedHashSet<>();
        for (String name : beanFactory.getBeanDefinitionNames()) {
            try {
                Class<?> beanType = beanFactory.getType(name, false);
                if (beanType != null) {
                    collectCachedValueTypes(ClassUtils.getUserClass(beanType), types);
                }
                if (REPOSITORIES_PRESENT) {
                    RepositoryDomainTypes.collect(beanFactory.getBeanDefinition(name), beanFactory.getBeanClassLoader(),
                            types);
                }
            }
            catch (RuntimeException | LinkageError ex) {
                logger.debug("Bean '{}' skipped while looking for PikoDB value types: {}", name, ex.toString());
            }
        }
        if (types.isEmpty()) {
            return null;
        }
        return (generationContext, code) -> {
            BindingReflectionHintsRegistrar registrar = new BindingReflectionHintsRegistrar();
            types.forEach((type) -> registrar.registerReflectionHints(generationContext.getRuntimeHints().reflection(),
                    type));
        };
    }

    static void collectCachedValueTypes(Class<?> beanType, Set<Type> types) {
        if (beanType.getName().startsWith("java.") || beanType.getName().startsWith("org.springframework.")) {
            return;
        }
        boolean cachingType = isCaching(beanType);
        ReflectionUtils.doWithMethods(beanType, (method) -> {
            if (isCaching(method) || (cachingType && Modifier.isPublic(method.getModifiers()))) {
                Type type = valueType(ResolvableType.forMethodReturnType(method, beanType));
                if (type != void.class && type != Void.class && type != Object.class) {
                    types.add(type);
                }
            }
        }, (method) -> !method.isBridge() && !method.isSynthetic() && method.getDeclaringClass() != Object.class
                && !Modifier.isStatic(method.getModifiers()));
    }

    private static boolean isCaching(Class<?> type) {
        return AnnotatedElementUtils.hasAnnotation(type, Cacheable.class)
                || AnnotatedElementUtils.hasAnnotation(type, CachePut.class)
                || AnnotatedElementUtils.hasAnnotation(type, Caching.class);
    }

    private static boolean isCaching(Method method) {
        return AnnotatedElementUtils.hasAnnotation(method, Cacheable.class)
                || AnnotatedElementUtils.hasAnnotation(method, CachePut.class)
                || AnnotatedElementUtils.hasAnnotation(method, Caching.class);
    }

    private static Type valueType(ResolvableType returnType) {
        Class<?> raw = returnType.resolve(Object.class);
        if (raw == java.util.Optional.class || Future.class.isAssignableFrom(raw)
                || java.util.concurrent.CompletionStage.class.isAssignableFrom(raw)) {
            return valueType(returnType.getGeneric(0));
        }
        return returnType.getType();
    }
}
