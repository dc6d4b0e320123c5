package io.djdeploy.config;

import java.util.List;

/** {@code verify}: post-deploy checks beyond the health URL. */
final class VerifySection implements Section<VerifyConfig> {
    static final Key<List<VerifyConfig.Url>> URLS = Key.of("urls", Types.items(new UrlSection(), "{url, status, text}"), List.<VerifyConfig.Url>of())
            .documented("none");
    static final Key<String> STATUS = Key.text("status", null, Rules::command);
    static final Key<String> LOGS = Key.text("logs", null, Rules::command);

    @Override
    public List<Key<?>> keys() {
        return List.of(URLS, STATUS, LOGS);
    }

    @Override
    public VerifyConfig read(Values v) {
        return new VerifyConfig(v.get(URLS), v.get(STATUS), v.get(LOGS));
    }

    /** One item of {@code verify.urls}. */
    static final class UrlSection implements Section<VerifyConfig.Url> {
        static final Key<String> URL = Key.text("url", null, Rules::url).required();
        static final Key<Integer> STATUS = Key.integer("status", 200, 100, 599);
        static final Key<String> TEXT = Key.text("text", null, null);

        @Override
        public List<Key<?>> keys() {
            return List.of(URL, STATUS, TEXT);
        }

        @Override
        public VerifyConfig.Url read(Values v) {
            if (!v.has(URL)) v.missing(URL, "is required");
            return new VerifyConfig.Url(v.get(URL), v.get(STATUS), v.get(TEXT));
        }
    }
}
