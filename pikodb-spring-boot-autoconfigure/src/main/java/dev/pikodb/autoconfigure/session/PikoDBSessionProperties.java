package dev.pikodb.autoconfigure.session;

import dev.pikodb.spring.session.PikoDBSessionRepository;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.session.FlushMode;
import org.springframework.session.SaveMode;

/**
 * Settings of the HTTP sessions kept in PikoDB ({@code pikodb.session.*}). How long an inactive
 * session lives is Spring Boot's {@code spring.session.timeout} (else
 * {@code server.servlet.session.timeout}).
 */
@ConfigurationProperties("pikodb.session")
public class PikoDBSessionProperties {

    /** Table that holds the sessions, one record per session. */
    private String tableName = PikoDBSessionRepository.DEFAULT_TABLE_NAME;

    /** When a session's changes are written: on save at the end of the request, or immediately. */
    private FlushMode flushMode = FlushMode.ON_SAVE;

    /** Which attributes a save writes: those set, also those read, or always all. */
    private SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;

    /**
     * The table of the sessions.
     *
     * @return its name
     */
    public String getTableName() {
        return tableName;
    }

    /**
     * Sets the table of the sessions.
     *
     * @param tableName its name
     */
    public void setTableName(String tableName) {
        this.tableName = tableName;
    }

    /**
     * When changes are written.
     *
     * @return the flush mode
     */
    public FlushMode getFlushMode() {
        return flushMode;
    }

    /**
     * Sets when changes are written.
     *
     * @param flushMode the flush mode
     */
    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = flushMode;
    }

    /**
     * Which attributes a save writes.
     *
     * @return the save mode
     */
    public SaveMode getSaveMode() {
        return saveMode;
    }

    /**
     * Sets which attributes a save writes.
     *
     * @param saveMode the save mode
     */
    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = saveMode;
    }
}
