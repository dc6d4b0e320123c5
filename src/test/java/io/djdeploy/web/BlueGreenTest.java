package io.djdeploy.web;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class BlueGreenTest {
    @Test
    void stateNamesTheLiveColorOnlyWhenWebSockLinksToAColorSocket() {
        BlueGreen.State st = BlueGreen.parseState("""
                live green.sock
                blue releases/20261124031009
                green releases/20261124031015
                standby blue 20261124031009 1795489829
                """);
        assertThat(st.live()).isEqualTo("green");
        assertThat(st.pinnedTo("blue")).isEqualTo("20261124031009");
        assertThat(st.pinnedTo("green")).isEqualTo("20261124031015");
        assertThat(st.standby()).isEqualTo("blue 20261124031009 1795489829");

        // a single-instance gunicorn's own socket (not a link), or nothing at all: no color is live
        BlueGreen.State plain = BlueGreen.parseState("live \nblue \ngreen \nstandby \n");
        assertThat(plain.live()).isNull();
        assertThat(plain.pinned()).isEmpty();
        assertThat(plain.standby()).isNull();
    }

    @Test
    void describeShowsTheStandbyColorAndItsDeadline() {
        String d = BlueGreen.describe("live green.sock\nblue releases/20261124031009\ngreen releases/20261124031015\n"
                + "standby blue 20261124031009 1795489829\n");
        assertThat(d).isEqualTo("blue-green: green live (release 20261124031015), blue in standby (release 20261124031009) until "
                + java.time.Instant.ofEpochSecond(1795489829L).toString().substring(11, 19) + " UTC");
        assertThat(BlueGreen.describe("live \nblue \ngreen \nstandby \n")).isEqualTo("blue-green: no color live yet");
    }

    @Test
    void pinningIsATempLinkAndARenameWithQuotedPaths() {
        var layout = new io.djdeploy.release.ReleaseLayout("/srv/it's here");
        assertThat(BlueGreenCommands.pin(layout, "green", "20261124031015").script())
                .isEqualTo("cd '/srv/it'\\''s here' && rm -f green.tmp && ln -s releases/20261124031015 green.tmp && mv -T green.tmp green");
    }
}
