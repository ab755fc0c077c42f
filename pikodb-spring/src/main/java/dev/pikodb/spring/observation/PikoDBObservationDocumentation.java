package dev.pikodb.spring.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The observations PikoDB makes: one per store operation, and one per cache and per repository
 * operation, which holds the store operations it causes as children.
 */
public enum PikoDBObservationDocumentation implements ObservationDocumentation {

    /** An operation of the store: write, compare-and-write, read, delete, delete-table, cleanup, flush. */
    STORE_OPERATION {
        @Override
        public String getName() {
            return "pikodb.operation";
        }
    },

    /** An operation of a PikoDB cache: get, retrieve, put, put-if-absent, evict, clear, invalidate. */
    CACHE_OPERATION {
        @Override
        public String getName() {
            return "pikodb.cache.operation";
        }
    },

    /** An operation of a PikoDB repository: insert, update, find-by-id, find-all, find, count, exists, delete. */
    REPOSITORY_OPERATION {
        @Override
        public String getName() {
            return "pikodb.repository.operation";
        }
    };

    @Override
    public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
        return DefaultPikoDBObservationConvention.class;
    }

    @Override
    public KeyName[] getLowCardinalityKeyNames() {
        return LowCardinalityKeyNames.values();
    }

    /** The tags of every PikoDB observation. */
    public enum LowCardinalityKeyNames implements KeyName {

        /** Always {@code pikodb}. */
        DB_SYSTEM {
            @Override
            public String asString() {
                return "db.system";
            }
        },

        /** The operation, e.g. {@code write}; see {@link PikoDBObservationContext#getOperation()}. */
        OPERATION {
            @Override
            public String asString() {
                return "db.operation";
            }
        },

        /**
         * The table (a cache's table, a repository's keyspace; {@code none} for an operation on every
         * table). Only when enabled ({@code pikodb.observations.table-tag}): applications with many
         * tables would otherwise make a time series per table.
         */
        TABLE {
            @Override
            public String asString() {
                return "pikodb.table";
            }

            @Override
            public boolean isRequired() {
                return false;
            }
        }
    }
}
