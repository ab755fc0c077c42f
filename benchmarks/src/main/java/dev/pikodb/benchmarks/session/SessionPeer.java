package dev.pikodb.benchmarks.session;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;
import org.springframework.session.FindByIndexNameSessionRepository;
import org.springframework.session.Session;
import org.springframework.session.SessionRepository;

/**
 * One session store of W16 or W17: a Spring Session repository, the ids of the sessions it holds, and what
 * closing it takes. Every store is driven through Spring Session's own {@link SessionRepository}
 * interface, the calls {@code SessionRepositoryFilter} makes for one request.
 *
 * @param <S> the store's session type
 */
public final class SessionPeer<S extends Session> implements AutoCloseable {

    /** The attribute every request changes: a visit counter. */
    public static final String VISITS = "visits";

    private final String label;
    private final SessionRepository<S> repository;
    private final AutoCloseable closer;
    private final List<String> ids = new ArrayList<>();

    /**
     * Wraps a repository.
     *
     * @param label the store's label in the report
     * @param repository the repository
     * @param closer closes the repository and what it runs on
     */
    public SessionPeer(String label, SessionRepository<S> repository, AutoCloseable closer) {
        this.label = label;
        this.repository = repository;
        this.closer = closer;
    }

    /** @return the store's label in the report */
    public String label() {
        return label;
    }

    /** @return the ids of the sessions created by {@link #fill} */
    public List<String> ids() {
        return List.copyOf(ids);
    }

    /**
     * Creates and saves sessions, each with the attributes of a signed-in user (see {@link #attributes}).
     *
     * @param sessions how many
     */
    public void fill(int sessions) {
        for (int i = 0; i < sessions; i++) {
            S session = repository.createSession();
            attributes(i).forEach(session::setAttribute);
            repository.save(session);
            ids.add(session.getId());
        }
    }

    /**
     * What a signed-in user's session holds: the principal name (indexed by the principal-indexed
     * stores), a locale, a CSRF token, three cart items and a visit counter; about 300 bytes once
     * serialised with Java serialisation.
     *
     * @param user the user's number
     * @return the attributes in the order they are set
     */
    static Map<String, Object> attributes(int user) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put(FindByIndexNameSessionRepository.PRINCIPAL_NAME_INDEX_NAME, String.format(Locale.ROOT, "user-%05d", user));
        attributes.put("locale", user % 3 == 0 ? "en_GB" : "fr_FR");
        attributes.put("csrfToken", new UUID(user * 31L, user * 17L).toString());
        attributes.put("cart", new ArrayList<>(List.of("sku-" + (user % 97), "sku-" + (user % 89), "sku-" + (user % 83))));
        attributes.put(VISITS, 0);
        return attributes;
    }

    /**
     * Simulated requests on random sessions, as {@code SessionRepositoryFilter} handles them: load the
     * session by id, renew its last access time, change one attribute (the visit counter), save.
     *
     * @param requests requests per call
     * @param random picks the sessions; give every store the same seed so they see the same sequence
     * @return the requests per second of one call
     * @throws IllegalStateException when a session is not found
     */
    public double requests(int requests, SplittableRandom random) {
        long start = System.nanoTime();
        for (int i = 0; i < requests; i++) {
            String id = ids.get(random.nextInt(ids.size()));
            S session = repository.findById(id);
            if (session == null) {
                throw new IllegalStateException(label + " lost session " + id);
            }
            session.setLastAccessedTime(Instant.now());
            Integer visits = session.getAttribute(VISITS);
            session.setAttribute(VISITS, visits + 1);
            repository.save(session);
        }
        return requests * 1e9 / Math.max(1, System.nanoTime() - start);
    }

    /**
     * The visits counted by one session.
     *
     * @param id the session's id
     * @return its counter
     */
    public int visits(String id) {
        S session = repository.findById(id);
        if (session == null) {
            throw new IllegalStateException(label + " lost session " + id);
        }
        Integer visits = session.getAttribute(VISITS);
        return visits;
    }

    @Override
    public void close() {
        try {
            closer.close();
        } catch (Exception e) {
            throw new IllegalStateException("Closing " + label + " failed: " + e.getMessage(), e);
        }
    }
}
