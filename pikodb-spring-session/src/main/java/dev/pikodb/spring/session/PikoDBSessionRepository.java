package dev.pikodb.spring.session;

import dev.pikodb.ChangeEvent;
import dev.pikodb.ChangeListener;
import dev.pikodb.DatabaseRecord;
import dev.pikodb.PikoDB;
import dev.pikodb.Query;
import dev.pikodb.QueryResult;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.core.convert.converter.Converter;
import org.springframework.core.serializer.support.DeserializingConverter;
import org.springframework.core.serializer.support.SerializingConverter;
import org.springframework.session.DelegatingIndexResolver;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.FlushMode;
import org.springframework.session.IndexResolver;
import org.springframework.session.MapSession;
import org.springframework.session.PrincipalNameIndexResolver;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;
import org.springframework.session.events.SessionCreatedEvent;
import org.springframework.session.events.SessionDeletedEvent;
import org.springframework.session.events.SessionExpiredEvent;

/**
 * Spring Session's repository over a {@link PikoDB}: HTTP sessions in a table of the application's
 * store, embedded in a directory (they survive a restart) or on Redis (several instances share them).
 *
 * <ul>
 * <li><b>Expiry</b> is the record's expiration ({@code lastAccessedTime + maxInactiveInterval}), so no
 * read returns an inactive session and the store's scheduled cleanup removes them; no separate job and
 * no Redis keyspace notifications are needed.</li>
 * <li><b>Saves</b> write only what changed since the session was loaded, merged into the stored
 * session with a compare-and-write, so concurrent requests of one session keep each other's attribute
 * changes; a save never brings back a session that was deleted or expired meanwhile. With
 * {@link FlushMode#IMMEDIATE} every change is saved at once; {@link SaveMode} decides which attributes
 * a save writes, as in Spring Session's other stores.</li>
 * <li><b>Principal names</b> are indexed (index {@code principal} on {@code /principal}), so
 * {@link #findByPrincipalName} is a query, not a scan.</li>
 * <li><b>Events</b>: {@link SessionCreatedEvent} when a new session is saved and
 * {@link SessionDeletedEvent} when {@link #deleteById} removes one, by the instance that did it;
 * {@link SessionExpiredEvent} from the store's change events, once, by the instance whose cleanup or
 * read removed the expired record (also when a Redis change stream delivers every instance's changes to
 * every instance). An expired session's attributes are gone with its record: the
 * event's session carries the id only.</li>
 * </ul>
 * Attributes are stored with Java serialisation by default (as Spring Session JDBC does); give other
 * converters with {@link #setSerializer} and {@link #setDeserializer}.
 */
public final class PikoDBSessionRepository
        implements FindByIndexNameSessionRepository<PikoDBSession>, DisposableBean {

    /** The default table of the sessions. */
    public static final String DEFAULT_TABLE_NAME = "spring-sessions";
    /** The name of the index on the sessions' principal names. */
    public static final String PRINCIPAL_INDEX = "principal";
    private static final Logger LOG = LoggerFactory.getLogger(PikoDBSessionRepository.class);
    /** Compare-and-write attempts of a save against concurrent saves of the same session. */
    private static final int SAVE_ATTEMPTS = 32;
    private static final int PAGE = 100;
    /** The attribute of Spring Security's context, from which the default resolver also reads the principal. */
    private static final String SPRING_SECURITY_CONTEXT = "SPRING_SECURITY_CONTEXT";

    private final PikoDB db;
    private final String table;
    private final Clock clock;
    private final ChangeListener expiryListener = this::onChange;
    /** Why principal names are not indexed, or {@code null} when they are. */
    private final String noIndexReason;
    private volatile Duration defaultMaxInactiveInterval = MapSession.DEFAULT_MAX_INACTIVE_INTERVAL;
    private volatile FlushMode flushMode = FlushMode.ON_SAVE;
    private volatile SaveMode saveMode = SaveMode.ON_SET_ATTRIBUTE;
    private volatile IndexResolver<Session> indexResolver = new DelegatingIndexResolver<>(new PrincipalNameIndexResolver<>());
    /** Whether {@link #indexResolver} is the default one, which reads only the principal's two attributes. */
    private volatile boolean defaultIndexResolver = true;
    private volatile ApplicationEventPublisher eventPublisher = event -> { };
    private volatile SessionRecords records = new SessionRecords(new SerializingConverter(),
            new DeserializingConverter(PikoDBSessionRepository.class.getClassLoader()));

    /**
     * Creates a repository of the sessions in table {@value #DEFAULT_TABLE_NAME}.
     *
     * @param db the started store
     */
    public PikoDBSessionRepository(PikoDB db) {
        this(db, DEFAULT_TABLE_NAME);
    }

    /**
     * Creates a repository of the sessions in a table, creating the principal-name index when the
     * table does not have it yet.
     *
     * On a storage engine without indexes the sessions work, and finding them by principal name
     * throws, saying why.
     *
     * @param db the started store
     * @param table the table of the sessions
     * @throws IllegalArgumentException when the table name is invalid
     */
    public PikoDBSessionRepository(PikoDB db, String table) {
        this.db = db;
        this.table = table;
        this.clock = db.clock();
        String unindexed = null;
        try {
            db.createIndex(table, PRINCIPAL_INDEX, SessionRecords.PRINCIPAL_PATH);
        } catch (UnsupportedOperationException e) {
            unindexed = e.getMessage();
            LOG.warn("Sessions in table '{}' of {} cannot be found by principal name: the storage engine has no"
                    + " indexes ({}). Sessions themselves work; findByPrincipalName throws.", table,
                    db.storageDescription(), unindexed);
        }
        this.noIndexReason = unindexed;
        db.subscribe(expiryListener);
    }

    @Override
    public PikoDBSession createSession() {
        MapSession state = new MapSession();
        Instant now = now();
        state.setCreationTime(now);
        state.setLastAccessedTime(now);
        state.setMaxInactiveInterval(defaultMaxInactiveInterval);
        PikoDBSession session = new PikoDBSession(this, state, 0, null, null, null);
        if (flushMode == FlushMode.IMMEDIATE) {
            save(session);
        }
        return session;
    }

    @Override
    public void save(PikoDBSession session) {
        if (!session.hasChanges()) {
            return;
        }
        if (session.isNew()) {
            saveNew(session);
        } else if (!session.storedId().equals(session.getId())) {
            saveUnderNewId(session);
        } else {
            saveChanges(session);
        }
    }

    private void saveNew(PikoDBSession session) {
        MapSession state = session.state();
        Map<String, String> attributes = records.attributesOf(state);
        String principal = principal(session);
        Map<String, Object> value = records.value(state, attributes, principal);
        if (!db.compareAndWrite(table, state.getId(), 0, value, SessionRecords.expiration(state))) {
            throw new IllegalStateException("Session " + state.getId() + " already exists in table '" + table
                    + "'; the session id generator gave an id twice");
        }
        session.saved(1, attributes, principal);
        eventPublisher.publishEvent(new SessionCreatedEvent(this, session));
    }

    /** After {@link Session#changeSessionId()}: the stored session moves to the new id, with the changes. */
    private void saveUnderNewId(PikoDBSession session) {
        String oldId = session.storedId();
        Optional<DatabaseRecord> stored = db.getRecord(table, oldId);
        if (stored.isEmpty()) {
            LOG.debug("Session {} was deleted or expired before its id changed; not saved", oldId);
            return;
        }
        MapSession state = session.state();
        Map<String, String> attributes = records.merge(SessionRecords.storedAttributes(stored.get().value()),
                session.attributeChanges(), state.getId());
        String principal = principal(session, SessionRecords.principal(stored.get().value()));
        Map<String, Object> value = records.value(state, attributes, principal);
        if (!db.compareAndWrite(table, state.getId(), 0, value, SessionRecords.expiration(state))) {
            throw new IllegalStateException("Session " + state.getId() + " already exists in table '" + table
                    + "'; the session id generator gave an id twice");
        }
        db.delete(table, oldId);
        session.saved(1, attributes, principal);
    }

    /**
     * Merges the session's changes into the stored session with a compare-and-write. The first attempt
     * expects the record the session was loaded from (or last saved as), so a request that no other
     * request raced writes without reading the record again; when another request of the same session
     * saved in between, the record is read and the changes merged into it, and so on. A save stops
     * when the session is gone: it never brings back a deleted or expired session (the version it
     * expects is no longer there).
     */
    private void saveChanges(PikoDBSession session) {
        MapSession state = session.state();
        Map<String, Object> changes = session.attributeChanges();
        long version = session.storedVersion();
        Map<String, String> stored = session.storedAttributes();
        String storedPrincipal = session.storedPrincipal();
        for (int attempt = 0; attempt < SAVE_ATTEMPTS; attempt++) {
            if (attempt > 0 || version == 0) {
                Optional<DatabaseRecord> current = db.getRecord(table, state.getId());
                if (current.isEmpty()) {
                    LOG.debug("Session {} was deleted or expired meanwhile; its changes are not saved", state.getId());
                    session.discardChanges();
                    return;
                }
                version = current.get().version();
                stored = SessionRecords.storedAttributes(current.get().value());
                storedPrincipal = SessionRecords.principal(current.get().value());
            }
            Map<String, String> attributes = records.merge(stored, changes, state.getId());
            String principal = principal(session, storedPrincipal);
            Map<String, Object> value = records.value(state, attributes, principal);
            if (db.compareAndWrite(table, state.getId(), version, value, SessionRecords.expiration(state))) {
                session.saved(version + 1, attributes, principal);
                return;
            }
        }
        throw new IllegalStateException("Session " + state.getId() + " in table '" + table + "' could not be saved: "
                + SAVE_ATTEMPTS + " other saves of the same session came in between. Retry the request.");
    }

    @Override
    public PikoDBSession findById(String id) {
        return db.getRecord(table, id).map(stored -> load(id, stored)).orElse(null);
    }

    private PikoDBSession load(String id, DatabaseRecord stored) {
        return new PikoDBSession(this, SessionRecords.times(id, stored.value()), stored.version(),
                SessionRecords.storedAttributes(stored.value()), SessionRecords.principal(stored.value()), records);
    }

    @Override
    public void deleteById(String id) {
        PikoDBSession session = findById(id);
        if (session != null && db.delete(table, id)) {
            eventPublisher.publishEvent(new SessionDeletedEvent(this, session));
        }
    }

    /**
     * The sessions of a principal name, from the index; other index names find nothing, as in Spring
     * Session's other stores.
     *
     * @param indexName {@link FindByIndexNameSessionRepository#PRINCIPAL_NAME_INDEX_NAME}
     * @param indexValue the principal name
     * @return the live sessions by id
     * @throws IllegalStateException when the store's engine has no indexes
     */
    @Override
    public Map<String, PikoDBSession> findByIndexNameAndIndexValue(String indexName, String indexValue) {
        Map<String, PikoDBSession> sessions = new LinkedHashMap<>();
        if (!PRINCIPAL_NAME_INDEX_NAME.equals(indexName) || indexValue == null) {
            return sessions;
        }
        if (noIndexReason != null) {
            throw new IllegalStateException("Sessions in table '" + table + "' of " + db.storageDescription()
                    + " cannot be found by principal name: the storage engine has no indexes (" + noIndexReason
                    + "); keep the sessions in a store whose engine has indexes");
        }
        Query query = Query.eq(SessionRecords.PRINCIPAL_PATH, indexValue).limit(PAGE);
        while (true) {
            QueryResult page = db.find(table, query);
            page.records().forEach(entry -> sessions.put(entry.getKey(), load(entry.getKey(), entry.getValue())));
            Optional<String> next = page.nextCursor();
            if (next.isEmpty()) {
                return sessions;
            }
            query = query.after(next.get());
        }
    }

    private String principal(PikoDBSession session) {
        return indexResolver.resolveIndexesFor(session).get(PRINCIPAL_NAME_INDEX_NAME);
    }

    /**
     * The principal name to store over a record whose principal is {@code stored}. The default
     * resolver reads only the attributes {@link #PRINCIPAL_NAME_INDEX_NAME} and
     * {@code SPRING_SECURITY_CONTEXT}: while the request has neither read nor changed them, they are
     * the stored record's, and so is the principal name, which is then taken as stored instead of
     * deserialising them again.
     */
    private String principal(PikoDBSession session, String stored) {
        if (defaultIndexResolver && session.untouched(PRINCIPAL_NAME_INDEX_NAME)
                && session.untouched(SPRING_SECURITY_CONTEXT)) {
            // SaveMode.ALWAYS writes the untouched attributes as this session loaded them, with the
            // principal stored with them, not the one of a record another request wrote meanwhile.
            return saveMode == SaveMode.ALWAYS ? session.storedPrincipal() : stored;
        }
        return principal(session);
    }

    private void onChange(ChangeEvent event) {
        // With a Redis change stream every instance hears every instance's expiries: only the one whose
        // cleanup or read removed the session publishes, so the event is published once.
        if (event.kind() == ChangeEvent.Kind.EXPIRED && table.equals(event.table())
                && db.instanceId().equals(event.instance())) {
            eventPublisher.publishEvent(new SessionExpiredEvent(this, new MapSession(event.key())));
        }
    }

    /** Stops publishing expiry events. */
    @Override
    public void destroy() {
        db.unsubscribe(expiryListener);
    }

    // Settings.

    /**
     * Sets the maximum inactive interval of new sessions (default 30 minutes); negative: they never
     * expire.
     *
     * @param interval the interval
     */
    public void setDefaultMaxInactiveInterval(Duration interval) {
        this.defaultMaxInactiveInterval = require(interval, "defaultMaxInactiveInterval");
    }

    /**
     * Sets when changes are saved (default {@link FlushMode#ON_SAVE}).
     *
     * @param flushMode the mode
     */
    public void setFlushMode(FlushMode flushMode) {
        this.flushMode = require(flushMode, "flushMode");
    }

    /**
     * Sets which attributes a save writes (default {@link SaveMode#ON_SET_ATTRIBUTE}).
     *
     * @param saveMode the mode
     */
    public void setSaveMode(SaveMode saveMode) {
        this.saveMode = require(saveMode, "saveMode");
    }

    /**
     * Sets how a session's principal name is found (default: Spring Session's principal-name resolver,
     * which reads the attribute {@link #PRINCIPAL_NAME_INDEX_NAME} or Spring Security's context).
     *
     * @param indexResolver the resolver
     */
    public void setIndexResolver(IndexResolver<Session> indexResolver) {
        this.indexResolver = require(indexResolver, "indexResolver");
        this.defaultIndexResolver = false;
    }

    /**
     * Sets where session events go (default: nowhere).
     *
     * @param eventPublisher the publisher, usually the application context
     */
    public void setApplicationEventPublisher(ApplicationEventPublisher eventPublisher) {
        this.eventPublisher = require(eventPublisher, "eventPublisher");
    }

    /**
     * Sets how attributes are serialised (default: Java serialisation).
     *
     * @param serializer the converter
     */
    public void setSerializer(Converter<Object, byte[]> serializer) {
        SessionRecords current = records;
        this.records = new SessionRecords(require(serializer, "serializer"), current.deserializer());
    }

    /**
     * Sets how attributes are deserialised (default: Java serialisation with this class's class loader).
     *
     * @param deserializer the converter
     */
    public void setDeserializer(Converter<byte[], Object> deserializer) {
        SessionRecords current = records;
        this.records = new SessionRecords(current.serializer(), require(deserializer, "deserializer"));
    }

    /**
     * The table of the sessions.
     *
     * @return its name
     */
    public String tableName() {
        return table;
    }

    FlushMode flushMode() {
        return flushMode;
    }

    SaveMode saveMode() {
        return saveMode;
    }

    Instant now() {
        return clock.instant();
    }

    private static <T> T require(T value, String name) {
        if (value == null) {
            throw new IllegalArgumentException(name + " must not be null");
        }
        return value;
    }

    @Override
    public String toString() {
        return "PikoDBSessionRepository[table=" + table + ", " + db.storageDescription() + "]";
    }
}
