package dev.pikodb.redis.contract;

import dev.pikodb.tck.EngineFixture;
import dev.pikodb.tck.ChangeEventsContract;
import dev.pikodb.tck.ConcurrencyContract;
import dev.pikodb.tck.DictionaryContract;
import dev.pikodb.tck.DictionaryRaceContract;
import dev.pikodb.tck.ExpirationContract;
import dev.pikodb.tck.LifecycleContract;
import dev.pikodb.tck.MissingVsNullContract;
import dev.pikodb.tck.OptionsContract;
import dev.pikodb.tck.PersistenceContract;
import dev.pikodb.tck.QueriesContract;
import dev.pikodb.tck.QueriesDifferentialContract;
import dev.pikodb.tck.TablesContract;
import dev.pikodb.tck.ValidationContract;
import dev.pikodb.tck.ValuesContract;
import dev.pikodb.tck.VersioningContract;
import org.junit.jupiter.api.Nested;

/**
 * The whole contract suite on one Redis server, each test under a fresh key prefix.
 */
class RedisContractTest {

    @Nested
    class ChangeEvents extends ChangeEventsContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("ChangeEvents");
        }
    }

    @Nested
    class Concurrency extends ConcurrencyContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Concurrency");
        }
    }

    @Nested
    class Dictionary extends DictionaryContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Dictionary");
        }
    }

    @Nested
    class DictionaryRace extends DictionaryRaceContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("DictionaryRace");
        }
    }

    @Nested
    class Expiration extends ExpirationContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Expiration");
        }
    }

    @Nested
    class Lifecycle extends LifecycleContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Lifecycle");
        }
    }

    @Nested
    class MissingVsNull extends MissingVsNullContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("MissingVsNull");
        }
    }

    @Nested
    class Options extends OptionsContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Options");
        }
    }

    @Nested
    class Persistence extends PersistenceContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Persistence");
        }
    }

    @Nested
    class Tables extends TablesContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Tables");
        }
    }

    @Nested
    class Validation extends ValidationContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Validation");
        }
    }

    @Nested
    class Values extends ValuesContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Values");
        }
    }

    @Nested
    class Versioning extends VersioningContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Versioning");
        }
    }

    @Nested
    class Queries extends QueriesContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("Queries");
        }
    }

    @Nested
    class QueriesDifferential extends QueriesDifferentialContract {
        @Override
        protected EngineFixture newFixture() {
            return ContractServers.standalone("QueriesDifferential");
        }
    }
}
