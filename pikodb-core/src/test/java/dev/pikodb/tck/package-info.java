/**
 * The contract suite: the rules of the {@code PikoDB} API that every storage engine keeps, as
 * abstract JUnit classes ({@code ValuesContract}, {@code ExpirationContract}, ...).
 *
 * <p>An engine runs the suite by extending each contract in its own test sources and returning a
 * fresh {@link dev.pikodb.tck.EngineFixture} from {@link dev.pikodb.tck.ContractSupport#newFixture()}:
 *
 * <pre>{@code
 * class RedisValuesTest extends ValuesContract {
 *     protected EngineFixture newFixture() {
 *         return redisServer.newDatabase();   // a fresh key prefix on a running server
 *     }
 * }
 * }</pre>
 *
 * <p>The classes ship in {@code pikodb-core}'s test-jar: depend on {@code dev.pikodb:pikodb-core}
 * with {@code <type>test-jar</type>} and {@code <scope>test</scope>}, plus JUnit Jupiter and AssertJ
 * (a test-jar brings no dependencies of its own). The directory engine runs every contract in
 * {@code dev.pikodb.directory}.
 */
package dev.pikodb.tck;
