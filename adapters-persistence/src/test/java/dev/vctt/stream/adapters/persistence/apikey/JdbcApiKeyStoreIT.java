package dev.vctt.stream.adapters.persistence.apikey;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vctt.stream.adapters.persistence.testing.StoreFixture;
import dev.vctt.stream.application.port.out.ApiKeyStore;
import dev.vctt.stream.application.port.out.ApiKeyStoreContract;
import dev.vctt.stream.domain.access.IssuedKey;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class JdbcApiKeyStoreIT extends ApiKeyStoreContract {

    @RegisterExtension
    static final StoreFixture fixture = new StoreFixture();

    @Override
    protected ApiKeyStore newStore() {
        return new JdbcApiKeyStore(fixture.database.dataSource());
    }

    @Test
    void only_a_hash_of_the_secret_is_stored() throws Exception {
        IssuedKey issued = newStore().issue("hashed", Optional.empty(), Instant.now());

        try (var connection = fixture.database.dataSource().getConnection();
             var select = connection.prepareStatement("select * from api_keys where id = ?")) {
            select.setString(1, issued.id().value());
            try (var row = select.executeQuery()) {
                assertThat(row.next()).isTrue();
                var columns = new StringBuilder();
                for (int i = 1; i <= row.getMetaData().getColumnCount(); i++) {
                    columns.append(row.getString(i)).append('|');
                }
                assertThat(columns.toString()).doesNotContain(issued.secret())
                        .contains(JdbcApiKeyStore.sha256(issued.secret()));
            }
        }
    }
}
