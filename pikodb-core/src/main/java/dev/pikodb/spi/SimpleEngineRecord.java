package dev.pikodb.spi;

import java.util.Objects;

/** The plain {@link EngineRecord}: a whole array and the metadata. */
record SimpleEngineRecord(byte[] json, long version, long timestamp, Long expiration, String dictionaryName)
        implements EngineRecord {

    SimpleEngineRecord {
        Objects.requireNonNull(json, "json");
    }

    @Override
    public byte[] jsonArray() {
        return json;
    }

    @Override
    public int jsonOffset() {
        return 0;
    }

    @Override
    public int jsonLength() {
        return json.length;
    }
}
