package dev.pikodb.spring.data.repository.config;

import dev.pikodb.PikoDB;
import dev.pikodb.spring.data.PikoDBKeyValueAdapter;
import dev.pikodb.spring.data.PikoDBKeyValueTemplate;
import dev.pikodb.spring.data.repository.support.PikoDBRepositoryFactoryBean;
import java.lang.annotation.Annotation;
import java.util.Collection;
import java.util.List;
import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.beans.factory.config.RuntimeBeanReference;
import org.springframework.beans.factory.support.AbstractBeanDefinition;
import org.springframework.beans.factory.support.BeanDefinitionBuilder;
import org.springframework.data.config.ParsingUtils;
import org.springframework.data.keyvalue.annotation.KeySpace;
import org.springframework.data.keyvalue.repository.config.KeyValueRepositoryConfigurationExtension;
import org.springframework.data.repository.config.AnnotationRepositoryConfigurationSource;
import org.springframework.data.repository.config.RepositoryConfigurationSource;
import org.springframework.util.StringUtils;

/**
 * The repository configuration of PikoDB: the factory bean, the names of the mapping context and
 * template beans, and the template registered when the application has none.
 */
public class PikoDBRepositoryConfigurationExtension extends KeyValueRepositoryConfigurationExtension {

    /** The bean name of the template registered when the application defines none. */
    public static final String DEFAULT_TEMPLATE_BEAN_NAME = "pikoDBKeyValueTemplate";

    /** The bean name of the mapping context shared by the template and the repositories. */
    public static final String MAPPING_CONTEXT_BEAN_NAME = "pikoDBKeyValueMappingContext";

    /** Creates the extension. */
    public PikoDBRepositoryConfigurationExtension() {
    }

    @Override
    public String getModuleName() {
        return "PikoDB";
    }

    @Override
    protected String getModulePrefix() {
        return "pikodb";
    }

    @Override
    public String getRepositoryFactoryBeanClassName() {
        return PikoDBRepositoryFactoryBean.class.getName();
    }

    @Override
    protected Collection<Class<? extends Annotation>> getIdentifyingAnnotations() {
        return List.of(KeySpace.class);
    }

    @Override
    protected String getDefaultKeyValueTemplateRef() {
        return DEFAULT_TEMPLATE_BEAN_NAME;
    }

    @Override
    protected String getMappingContextBeanRef() {
        return MAPPING_CONTEXT_BEAN_NAME;
    }

    @Override
    public void postProcess(BeanDefinitionBuilder builder, AnnotationRepositoryConfigurationSource config) {
        super.postProcess(builder, config);
        if (config.getAttributes().getBoolean("requireIndexes")) {
            builder.addPropertyValue("requireIndexes", true);
        }
    }

    @Override
    protected AbstractBeanDefinition getDefaultKeyValueTemplateBeanDefinition(
            RepositoryConfigurationSource configurationSource) {
        String pikoDBRef = configurationSource.getAttribute("pikoDBRef").orElse("");
        RuntimeBeanReference pikoDB = StringUtils.hasText(pikoDBRef) ? new RuntimeBeanReference(pikoDBRef, PikoDB.class)
                : new RuntimeBeanReference(PikoDB.class);
        RuntimeBeanReference mappingContext = new RuntimeBeanReference(MAPPING_CONTEXT_BEAN_NAME);

        BeanDefinitionBuilder adapter = BeanDefinitionBuilder.rootBeanDefinition(PikoDBKeyValueAdapter.class)
            .addConstructorArgValue(pikoDB)
            .addConstructorArgValue(mappingContext);
        BeanDefinitionBuilder template = BeanDefinitionBuilder.rootBeanDefinition(PikoDBKeyValueTemplate.class)
            .addConstructorArgValue(ParsingUtils.getSourceBeanDefinition(adapter, configurationSource.getSource()))
            .addConstructorArgValue(mappingContext);
        template.setRole(BeanDefinition.ROLE_SUPPORT);
        return ParsingUtils.getSourceBeanDefinition(template, configurationSource.getSource());
    }
}
