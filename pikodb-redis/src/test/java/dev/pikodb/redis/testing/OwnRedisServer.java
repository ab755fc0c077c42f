package dev.pikodb.redis.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A redis-server of the test's own, started before each test and stopped after it, for tests that
 * count or log what the server receives ({@code INFO commandstats}, {@code SLOWLOG}) and so cannot
 * share a server with other tests. Register it with {@code @RegisterExtension}: it starts before the
 * test's {@code @BeforeEach} methods and stops after its {@code @AfterEach} methods, so those can
 * open and close the databases on it.
 */
public final class OwnRedisServer implements BeforeEachCallback, AfterEachCallback {

    private RedisServer server;
    private Resp admin;

    @Override
    public void beforeEach(ExtensionContext context) {
        server = RedisServers.start();
        admin = server.admin();
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            if (admin != null) {
                admin.close();
            }
        } finally {
            if (server != null) {
                server.stop();
            }
        }
    }

    /** @return the server's URI, for {@code RedisStorage.builder().uri(...)} */
    public String uri() {
        return server.uri();
    }

    /** @return a connection to the server for the test's own commands, closed after the test */
    public Resp admin() {
        return admin;
    }
}
