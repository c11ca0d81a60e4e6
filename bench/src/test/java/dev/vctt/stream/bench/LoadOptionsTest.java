package dev.vctt.stream.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class LoadOptionsTest {

    @Test
    void without_arguments_the_cell_is_100_streams_at_20_tokens_a_second() {
        LoadOptions options = LoadOptions.parse();

        assertThat(options.label()).isEqualTo("n100");
        assertThat(options.streams()).isEqualTo(100);
        assertThat(options.rate()).isEqualTo(20);
        assertThat(options.tokens()).isEqualTo(200);
        assertThat(options.rounds()).isEqualTo(1);
        assertThat(options.warmupStreams()).isEqualTo(100);
    }

    @Test
    void the_presets_are_the_cells_of_issue_16() {
        assertThat(LoadOptions.parse("--cell", "n1000").streams()).isEqualTo(1000);
        LoadOptions n5000 = LoadOptions.parse("--cell", "n5000");
        assertThat(n5000.streams()).isEqualTo(5000);
        assertThat(n5000.rate()).isEqualTo(4);
        LoadOptions saturation = LoadOptions.parse("--saturation");
        assertThat(saturation.label()).isEqualTo("sat");
        assertThat(saturation.streams()).isEqualTo(100);
        assertThat(saturation.rounds()).isEqualTo(10);
        assertThat(saturation.rate()).isZero();
        assertThat(saturation.totalStreams()).isEqualTo(1000);
    }

    @Test
    void the_band_cell_is_n100_with_each_stream_a_band_of_three_members_and_a_synthesis() {
        LoadOptions band = LoadOptions.parse("--cell", "band100");

        assertThat(band.label()).isEqualTo("band100");
        assertThat(band.streams()).isEqualTo(100);
        assertThat(band.rate()).isEqualTo(20);
        assertThat(band.bandMembers()).isEqualTo(3);
        assertThat(band.tokensPerStream()).isEqualTo(800);
        assertThat(LoadOptions.parse().tokensPerStream()).isEqualTo(200);
        assertThat(LoadOptions.parse("--band", "2", "--streams", "5").label()).isEqualTo("n5-r20-t200-band2");
        assertThatThrownBy(() -> LoadOptions.parse("--band", "6")).hasMessageContaining("--band");
    }

    @Test
    void options_after_a_preset_change_it_and_its_label_says_so() {
        LoadOptions options = LoadOptions.parse("--cell", "n1000", "--streams", "50", "--protocol", "socketio");

        assertThat(options.streams()).isEqualTo(50);
        assertThat(options.protocol()).isEqualTo(LoadOptions.Protocol.SOCKETIO);
        assertThat(options.label()).isEqualTo("n50-r20-t200");
    }

    @Test
    void a_preset_keeps_what_is_not_part_of_a_cell() {
        LoadOptions options = LoadOptions.parse("--protocol", "socketio", "--warmup-streams", "0", "--cell", "sat");

        assertThat(options.protocol()).isEqualTo(LoadOptions.Protocol.SOCKETIO);
        assertThat(options.warmupStreams()).isZero();
        assertThat(options.label()).isEqualTo("sat");
    }

    @Test
    void nodes_default_to_one_and_a_cell_on_several_nodes_says_so_in_its_label() {
        LoadOptions one = LoadOptions.parse("--cell", "n1000");
        LoadOptions two = LoadOptions.parse("--cell", "n1000", "--nodes", "2");

        assertThat(one.nodes()).isEqualTo(1);
        assertThat(one.sharedDatabase()).isFalse();
        assertThat(one.label()).isEqualTo("n1000");
        assertThat(two.nodes()).isEqualTo(2);
        assertThat(two.streams()).isEqualTo(1000);
        assertThat(two.label()).isEqualTo("n1000-2nodes");
        assertThat(LoadOptions.parse("--nodes", "3", "--saturation").nodes()).as("a preset keeps the nodes").isEqualTo(3);
        assertThat(LoadOptions.parse("--shared-db", "--cell", "sat").label()).isEqualTo("sat-1node-shared");
        assertThat(LoadOptions.parse("--streams", "5", "--nodes", "2").label()).isEqualTo("n5-r20-t200-2nodes");
        assertThatThrownBy(() -> LoadOptions.parse("--nodes", "0")).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> LoadOptions.parse("--nodes", "9")).hasMessageContaining("--nodes");
        assertThatThrownBy(() -> LoadOptions.parse("--nodes", "two")).hasMessageContaining("--nodes");
    }

    @Test
    void bad_arguments_are_refused_with_a_message() {
        assertThatThrownBy(() -> LoadOptions.parse("--streams", "0")).hasMessageContaining("--streams");
        assertThatThrownBy(() -> LoadOptions.parse("--rate", "fast")).hasMessageContaining("--rate");
        assertThatThrownBy(() -> LoadOptions.parse("--cell", "n7")).hasMessageContaining("n7");
        assertThatThrownBy(() -> LoadOptions.parse("--protocol", "sse")).hasMessageContaining("--protocol");
        assertThatThrownBy(() -> LoadOptions.parse("--bogus", "1")).hasMessageContaining("--bogus");
        assertThatThrownBy(() -> LoadOptions.parse("--streams")).hasMessageContaining("--streams");
    }
}
