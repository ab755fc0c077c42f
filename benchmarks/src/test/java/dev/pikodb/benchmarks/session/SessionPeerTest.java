package dev.pikodb.benchmarks.session;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SessionPeerTest {

    @TempDir
    Path directory;

    @Test
    void everyRequestCountsOneVisitAndBothEmbeddedStoresSeeTheSameSessions() {
        List<List<Integer>> visits = new ArrayList<>();
        for (SessionPeer<?> peer : List.of(SessionPeers.pikodb("PikoDB", directory.resolve("pikodb")),
                SessionPeers.jdbcOnH2(directory.resolve("h2")))) {
            try (peer) {
                peer.fill(20);
                peer.requests(30, new SplittableRandom(16));
                peer.requests(20, new SplittableRandom(17));

                List<Integer> counts = peer.ids().stream().map(peer::visits).toList();
                assertThat(counts.stream().mapToInt(Integer::intValue).sum()).as(peer.label()).isEqualTo(50);
                visits.add(counts);
            }
        }
        assertThat(visits.get(0)).isEqualTo(visits.get(1));
    }

    @Test
    void aSessionHoldsAFewHundredBytesOfAttributes() {
        int bytes = SessionPeer.attributes(42).values().stream()
                .mapToInt(value -> new org.springframework.core.serializer.support.SerializingConverter()
                        .convert(value).length)
                .sum();

        assertThat(bytes).isBetween(200, 600);
    }
}
