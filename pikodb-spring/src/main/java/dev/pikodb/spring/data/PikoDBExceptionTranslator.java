package dev.pikodb.spring.data;

import dev.pikodb.PikoDBException;
import org.springframework.dao.DataAccessException;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataRetrievalFailureException;
import org.springframework.dao.InvalidDataAccessApiUsageException;
import org.springframework.dao.support.PersistenceExceptionTranslator;
import org.springframework.data.keyvalue.core.KeyValuePersistenceExceptionTranslator;
import tools.jackson.core.JacksonException;

/**
 * Translates PikoDB's exceptions into Spring's {@link DataAccessException} hierarchy:
 * <ul>
 * <li>{@link PikoDBException} (a storage failure) becomes {@link DataAccessResourceFailureException};</li>
 * <li>{@link IllegalStateException} (the store is not started, or closed) becomes
 * {@link DataAccessResourceFailureException};</li>
 * <li>{@link IllegalArgumentException} (an invalid table, key or value) becomes
 * {@link InvalidDataAccessApiUsageException};</li>
 * <li>a Jackson failure to turn a stored value into the entity type becomes
 * {@link DataRetrievalFailureException};</li>
 * <li>anything else as Spring Data KeyValue translates it.</li>
 * </ul>
 */
public class PikoDBExceptionTranslator implements PersistenceExceptionTranslator {

    private final PersistenceExceptionTranslator fallback = new KeyValuePersistenceExceptionTranslator();

    @Override
    public DataAccessException translateExceptionIfPossible(RuntimeException ex) {
        if (ex instanceof DataAccessException dataAccessException) {
            return dataAccessException;
        }
        if (ex instanceof PikoDBException || ex instanceof IllegalStateException) {
            return new DataAccessResourceFailureException(ex.getMessage(), ex);
        }
        if (ex instanceof JacksonException) {
            return new DataRetrievalFailureException(ex.getMessage(), ex);
        }
        if (ex instanceof IllegalArgumentException) {
            return (ex.getCause() instanceof JacksonException) ? new DataRetrievalFailureException(ex.getMessage(), ex)
                    : new InvalidDataAccessApiUsageException(ex.getMessage(), ex);
        }
        return fallback.translateExceptionIfPossible(ex);
    }
}
