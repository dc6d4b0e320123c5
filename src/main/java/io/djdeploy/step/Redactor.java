package io.djdeploy.step;

import io.djdeploy.config.EnvironmentConfig;
import io.djdeploy.config.HostConfig;
import io.djdeploy.remote.Shell;

import java.net.URI;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one place output passes through before it is printed or recorded: known secret values
 * become [REDACTED]. Fed with the values of the env file (read at PREFLIGHT, kept in memory
 * only), every config value marked {@code secret: true} (rendered for each host when it holds
 * placeholders) and the password of a repository URL. Each secret is also registered in the
 * forms it may be printed in: JSON-escaped (Jackson's and Python's), HTML-escaped,
 * URL-encoded and base64. Renderers apply it to every value BEFORE they escape it; the engine
 * applies it to what it writes to the ledger. Limits (docs/reliability.md): values under four
 * characters and short numbers are not masked (they would garble ordinary output), and a
 * secret printed in a form not listed here (say, inside a larger base64 blob) is not found.
 */
public final class Redactor {
    public static final String MASK = "[REDACTED]";
    /** Env-file values that cannot be secrets and would garble ordinary output if masked. */
    private static final Pattern HARMLESS = Pattern.compile("(?i)\\d{1,5}|true|false|yes|no|on|off|none|null|debug|info|warning|error");
    /** Keys whose value is meant to be secret: a value too short to mask is worth a warning. */
    private static final Pattern SECRET_KEY = Pattern.compile("(?i).*(PASSWORD|PASSWD|SECRET|TOKEN|KEY|CREDENTIAL|AUTH|PASS|PWD).*");
    /** The placeholders djdeploy fills in config commands and URLs (web.Templates, {host}, {color}). */
    private static final Pattern PLACEHOLDER = Pattern.compile("\\{(host|app|deploy_to|current|release|release_path|color|backup_dir)}");
    private static final Pattern URL_USERINFO = Pattern.compile("[A-Za-z][A-Za-z0-9+.-]*://([^/@\\s]*)@");
    private static final int MIN = 4;
    private final List<String> secrets = new CopyOnWriteArrayList<>();
    private final List<Pattern> templates = new CopyOnWriteArrayList<>();

    /** A value that must never be shown (a config value marked secret: true), in every printable form. */
    public void add(String secret) {
        // very short values would mask ordinary words: a secret that short is not one worth hiding
        if (secret == null || secret.length() < MIN) return;
        Set<String> forms = new LinkedHashSet<>();
        forms.add(secret);
        forms.addAll(forms(secret));
        boolean changed = false;
        for (String f : forms) {
            if (f.length() >= MIN && !secrets.contains(f)) {
                secrets.add(f);
                changed = true;
            }
        }
        // longest first, so a secret that contains another is masked whole
        if (changed) synchronized (secrets) {
            List<String> sorted = new ArrayList<>(secrets);
            sorted.sort(Comparator.comparingInt(String::length).reversed());
            secrets.clear();
            secrets.addAll(sorted);
        }
        addUrlCredentials(secret);
    }

    /**
     * The values of an env file, read the way the app reads it (python-dotenv's rules and the
     * simple loader's): all secret but the harmless ones.
     * @return the keys that look secret but whose value is too short to be masked (for a warning)
     */
    public List<String> addEnvFile(String text) {
        List<String> weak = new ArrayList<>();
        for (Map.Entry<String, Set<String>> e : DotEnv.values(text).entrySet()) {
            for (String value : e.getValue()) {
                if (value.isEmpty() || value.equals("\"\"") || value.equals("''")) continue;
                boolean harmless = HARMLESS.matcher(value).matches();
                if ((value.length() < MIN || value.matches("\\d+") && harmless) && SECRET_KEY.matcher(e.getKey()).matches()
                        && !weak.contains(e.getKey()) && !value.matches("(?i)true|false|yes|no|on|off|none|null")) {
                    weak.add(e.getKey());
                }
                if (!harmless) add(value);
            }
        }
        return weak;
    }

    /** The warning for env keys that look secret but are too short to mask. */
    public static String tooShort(List<String> keys) {
        return "env file: " + String.join(", ", keys) + (keys.size() == 1 ? " looks" : " look")
                + " secret but too short to be masked in output (under 4 characters, or a number of up to 5 digits); use a longer value";
    }

    /** Every secret of a config: its {@code secret: true} values (rendered per host) and the repository's password. */
    public void addConfig(EnvironmentConfig env) {
        addConfigSecrets(env.secrets(), env.hosts().stream().map(HostConfig::host).toList());
        addUrlCredentials(env.repo());
    }

    /**
     * Config values marked secret. One that holds placeholders is printed rendered, so it is
     * registered rendered for every host ({host} as is and shell-quoted), and as a pattern in
     * which any placeholder matches any text without spaces (a release id known only later).
     */
    public void addConfigSecrets(Collection<String> values, Collection<String> hosts) {
        for (String v : values) {
            if (v == null) continue;
            add(v);
            if (!PLACEHOLDER.matcher(v).find()) continue;
            for (String h : hosts) {
                add(v.replace("{host}", h));
                add(v.replace("{host}", Shell.quote(h)));
            }
            Pattern p = template(v);
            if (p != null) templates.add(p);
        }
    }

    /** The password of a URL's user info ({@code https://user:password@host/...}), decoded and as written. */
    public void addUrlCredentials(String text) {
        if (text == null) return;
        Matcher m = URL_USERINFO.matcher(text);
        while (m.find()) {
            String info = m.group(1);
            int colon = info.indexOf(':');
            if (colon < 0) continue;
            String pass = info.substring(colon + 1);
            if (pass.length() >= MIN && !secrets.contains(pass)) add(pass);
            try {
                String decoded = URLDecoder.decode(pass.replace("+", "%2B"), StandardCharsets.UTF_8);
                if (!decoded.equals(pass) && decoded.length() >= MIN && !secrets.contains(decoded)) add(decoded);
            } catch (IllegalArgumentException badEscape) {
                // not percent-encoded after all: the form as written is registered
            }
        }
    }

    /** The user info's password split off a URL: [url without the password, password], or null without one. */
    public static String[] splitPassword(String url) {
        if (url == null) return null;
        try {
            URI u = URI.create(url);
            String info = u.getRawUserInfo();
            if (u.getScheme() == null || info == null || info.indexOf(':') < 0) return null;
            String user = info.substring(0, info.indexOf(':'));
            String pass = URLDecoder.decode(info.substring(info.indexOf(':') + 1).replace("+", "%2B"), StandardCharsets.UTF_8);
            String bare = url.replaceFirst(Pattern.quote(info + "@"), Matcher.quoteReplacement(user.isEmpty() ? "" : user + "@"));
            return new String[]{bare, pass};
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    public String apply(String text) {
        if (text == null || secrets.isEmpty() && templates.isEmpty()) return text;
        String out = text;
        for (String s : secrets) out = out.replace(s, MASK);
        for (Pattern p : templates) out = p.matcher(out).replaceAll(Matcher.quoteReplacement(MASK));
        return out;
    }

    public List<String> apply(List<String> lines) {
        if (lines == null || secrets.isEmpty() && templates.isEmpty()) return lines;
        return lines.stream().map(this::apply).toList();
    }

    /**
     * Masks every string of a JSON tree, in place, BEFORE it is written: in the written text a
     * secret holding a quote, a backslash or a control character is escaped and may not match.
     */
    public com.fasterxml.jackson.databind.JsonNode apply(com.fasterxml.jackson.databind.JsonNode n) {
        if (n instanceof com.fasterxml.jackson.databind.node.ObjectNode o) {
            List<String> names = new ArrayList<>();
            o.fieldNames().forEachRemaining(names::add);
            for (String f : names) o.set(f, apply(o.get(f)));
            return o;
        }
        if (n instanceof com.fasterxml.jackson.databind.node.ArrayNode a) {
            for (int i = 0; i < a.size(); i++) a.set(i, apply(a.get(i)));
            return a;
        }
        if (n != null && n.isTextual()) return com.fasterxml.jackson.databind.node.TextNode.valueOf(apply(n.textValue()));
        return n;
    }

    /** Whether {@code text} holds a known secret (it must then stay off command lines). */
    public boolean holdsSecret(String text) {
        return text != null && !text.equals(apply(text));
    }

    /** A secret template as a pattern: its literal parts in order, each placeholder any run of non-space text. */
    private static Pattern template(String v) {
        Matcher m = PLACEHOLDER.matcher(v);
        StringBuilder re = new StringBuilder();
        int at = 0;
        int literal = 0;
        while (m.find()) {
            String part = v.substring(at, m.start());
            literal += part.length();
            re.append(Pattern.quote(part)).append(m.end() == v.length() ? "\\S+" : "\\S+?");
            at = m.end();
        }
        String tail = v.substring(at);
        literal += tail.length();
        re.append(Pattern.quote(tail));
        // a template that is mostly placeholders would mask ordinary text
        return literal >= 8 ? Pattern.compile(re.toString()) : null;
    }

    /** The forms a value takes when printed by a JSON writer, an HTML page, a URL or base64. */
    static Set<String> forms(String s) {
        Set<String> f = new LinkedHashSet<>();
        String jackson = io.djdeploy.release.Json.line(s);
        f.add(jackson.substring(1, jackson.length() - 1));
        String python = pythonJson(s, true);
        f.add(python);
        f.add(upperHex(python));
        f.add(pythonJson(s, false));
        f.add(html(s));
        String url = URLEncoder.encode(s, StandardCharsets.UTF_8);
        f.add(url);
        f.add(url.replace("+", "%20"));
        f.add(url.replace("+", "%20").replace("%2F", "/").replace("%3A", ":"));
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        String std = Base64.getEncoder().encodeToString(b);
        f.add(std);
        f.add(std.replace("=", ""));
        f.add(Base64.getUrlEncoder().encodeToString(b));
        f.add(Base64.getUrlEncoder().withoutPadding().encodeToString(b));
        f.remove(s);
        return f;
    }

    /** Python's json.dumps: ensure_ascii escapes everything outside ASCII as lower-case \\uXXXX. */
    private static String pythonJson(String s, boolean ensureAscii) {
        StringBuilder b = new StringBuilder();
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                case '\b' -> b.append("\\b");
                case '\f' -> b.append("\\f");
                default -> {
                    if (c < 0x20 || ensureAscii && c > 0x7e) b.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.toString();
    }

    private static String upperHex(String json) {
        Matcher m = Pattern.compile("\\\\u([0-9a-f]{4})").matcher(json);
        StringBuilder sb = new StringBuilder();
        while (m.find()) m.appendReplacement(sb, Matcher.quoteReplacement("\\u" + m.group(1).toUpperCase(Locale.ROOT)));
        m.appendTail(sb);
        return sb.toString();
    }

    /** The report's HTML escaping (cli.ReportHtml.esc). */
    private static String html(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;").replace("'", "&#39;");
    }
}
