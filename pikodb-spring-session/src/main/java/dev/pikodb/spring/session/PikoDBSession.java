package dev.pikodb.spring.session;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.springframework.session.FlushMode;
import org.springframework.session.MapSession;
import org.springframework.session.SaveMode;
import org.springframework.session.Session;

/**
 * A session as {@link PikoDBSessionRepository} hands it out: its state, and what changed since it
 * was loaded or last saved, so that a save writes only the changes and merges them into what other
 * requests of the same session saved meanwhile.
 *
 * <p>Not thread-safe, like the sessions of Spring Session's other stores: one request uses it at a
 * time.
 */
public final class PikoDBSession implements Session {

    private final PikoDBSessionRepository repository;
    private final MapSession state;
    /** Changed attributes since the last save: name to new value, or {@code null} when removed. */
    private final Map<String, Object> changedAttributes = new HashMap<>();
    private boolean isNew;
    private boolean timesChanged;
    /** The id under which the session is stored; differs from the id after {@link #changeSessionId()}. */
    private String storedId;
    /**
     * The version of the stored record this session was loaded from or last saved as, with that
     * record's attributes still serialised: what the next save expects to find, so that it can
     * write without reading the record again. {@code 0} and {@code null} for a new session.
     */
    private long storedVersion;
    private Map<String, String> storedAttributes;
    /** The principal name stored with the record at {@link #storedVersion}. */
    private String storedPrincipal;
    /**
     * The loaded attributes not read yet, still serialised: each is deserialised when first read, so
     * a request pays only for the attributes it uses. Not in {@link #state} until then.
     */
    private final Map<String, String> unread;
    /** Deserialises the unread attributes; {@code null} for a new session. */
    private final SessionRecords records;

    PikoDBSession(PikoDBSessionRepository repository, MapSession state, long storedVersion,
                  Map<String, String> storedAttributes, String storedPrincipal, SessionRecords records) {
        this.repository = repository;
        this.state = state;
        this.isNew = storedVersion == 0;
        this.storedId = state.getId();
        this.storedVersion = storedVersion;
        this.storedAttributes = storedAttributes;
        this.storedPrincipal = storedPrincipal;
        this.records = records;
        this.unread = storedAttributes == null ? new HashMap<>() : new HashMap<>(storedAttributes);
        if (isNew && repository.saveMode() == SaveMode.ALWAYS) {
            state.getAttributeNames().forEach(name -> changedAttributes.put(name, state.getAttribute(name)));
        }
    }

    @Override
    public String getId() {
        return state.getId();
    }

    @Override
    public String changeSessionId() {
        String id = state.changeSessionId();
        flushIfImmediate();
        return id;
    }

    /**
     * The attribute's value, deserialised from the stored session the first time it is read.
     *
     * @throws IllegalStateException when the stored attribute cannot be deserialised (the message names
     *     the session and the attribute)
     */
    @Override
    public <T> T getAttribute(String attributeName) {
        String serialised = unread.get(attributeName);
        if (serialised != null) {
            state.setAttribute(attributeName, records.deserialize(state.getId(), attributeName, serialised));
            unread.remove(attributeName);
        }
        T value = state.getAttribute(attributeName);
        if (value != null && repository.saveMode() == SaveMode.ON_GET_ATTRIBUTE) {
            changedAttributes.put(attributeName, value);
        }
        return value;
    }

    @Override
    public Set<String> getAttributeNames() {
        if (unread.isEmpty()) {
            return state.getAttributeNames();
        }
        Set<String> names = new HashSet<>(state.getAttributeNames());
        names.addAll(unread.keySet());
        return names;
    }

    @Override
    public void setAttribute(String attributeName, Object attributeValue) {
        unread.remove(attributeName);
        state.setAttribute(attributeName, attributeValue);
        changedAttributes.put(attributeName, attributeValue);
        flushIfImmediate();
    }

    @Override
    public void removeAttribute(String attributeName) {
        unread.remove(attributeName);
        state.removeAttribute(attributeName);
        changedAttributes.put(attributeName, null);
        flushIfImmediate();
    }

    @Override
    public Instant getCreationTime() {
        return state.getCreationTime();
    }

    @Override
    public void setLastAccessedTime(Instant lastAccessedTime) {
        state.setLastAccessedTime(lastAccessedTime);
        timesChanged = true;
        flushIfImmediate();
    }

    @Override
    public Instant getLastAccessedTime() {
        return state.getLastAccessedTime();
    }

    @Override
    public void setMaxInactiveInterval(Duration interval) {
        state.setMaxInactiveInterval(interval);
        timesChanged = true;
        flushIfImmediate();
    }

    @Override
    public Duration getMaxInactiveInterval() {
        return state.getMaxInactiveInterval();
    }

    /**
     * Whether the session is expired by the store's clock: a session with a negative maximum inactive
     * interval never expires.
     *
     * @return true when it has been inactive for longer than its maximum inactive interval
     */
    @Override
    public boolean isExpired() {
        Duration max = state.getMaxInactiveInterval();
        return !max.isNegative() && repository.now().isAfter(state.getLastAccessedTime().plus(max));
    }

    private void flushIfImmediate() {
        if (repository.flushMode() == FlushMode.IMMEDIATE) {
            repository.save(this);
        }
    }

    // The repository's view.

    MapSession state() {
        return state;
    }

    boolean isNew() {
        return isNew;
    }

    String storedId() {
        return storedId;
    }

    /** The version the stored record had when this session last read or wrote it; 0 for a new one. */
    long storedVersion() {
        return storedVersion;
    }

    /** A copy of the stored record's serialised attributes at {@link #storedVersion()}. */
    Map<String, String> storedAttributes() {
        return storedAttributes == null ? new LinkedHashMap<>() : new LinkedHashMap<>(storedAttributes);
    }

    /** The principal name stored with the record at {@link #storedVersion()}. */
    String storedPrincipal() {
        return storedPrincipal;
    }

    /**
     * Whether the attribute is as it was loaded: neither read (its value could have been changed in
     * place) nor set or removed since the session was loaded. Always false for a new session.
     */
    boolean untouched(String attributeName) {
        if (isNew || changedAttributes.containsKey(attributeName)) {
            return false;
        }
        return unread.containsKey(attributeName) || state.getAttribute(attributeName) == null;
    }

    boolean hasChanges() {
        return isNew || timesChanged || !changedAttributes.isEmpty() || !storedId.equals(state.getId());
    }

    /**
     * The attribute changes to apply at the next save, in a copy. With {@link SaveMode#ALWAYS}, every
     * attribute, those never read as they were loaded, without deserialising them.
     */
    Map<String, Object> attributeChanges() {
        if (repository.saveMode() == SaveMode.ALWAYS) {
            Map<String, Object> all = new LinkedHashMap<>(changedAttributes);
            unread.forEach((name, serialised) -> all.put(name, new SessionRecords.Serialised(serialised)));
            state.getAttributeNames().forEach(name -> all.put(name, state.getAttribute(name)));
            return all;
        }
        return new LinkedHashMap<>(changedAttributes);
    }

    /**
     * Called once a save stored every change.
     *
     * @param version the stored record's version after the save
     * @param attributes the stored record's serialised attributes after the save
     * @param principal the principal name stored with them
     */
    void saved(long version, Map<String, String> attributes, String principal) {
        isNew = false;
        timesChanged = false;
        changedAttributes.clear();
        storedId = state.getId();
        storedVersion = version;
        storedAttributes = attributes;
        storedPrincipal = principal;
    }

    /** Called when a save found the session deleted or expired: nothing more to save. */
    void discardChanges() {
        timesChanged = false;
        changedAttributes.clear();
        storedId = state.getId();
    }
}
