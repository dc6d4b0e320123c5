package io.djdeploy.config;

import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Turns the config file into a YAML tree without trusting it: the size read is bounded
 * ({@code -c /dev/zero} must not exhaust memory), the text must be UTF-8 (the first bad byte
 * is named by line), and nesting is bounded while parsing (snakeyaml-engine composes
 * recursively, so 20,000 nested {@code [} would otherwise overflow the stack).
 */
final class ConfigSource {
    /** A real deploy.yml is a few KiB; anything this big is the wrong file. */
    static final int MAX_BYTES = 1024 * 1024;
    /** The schema nests about 5 levels (environments.X.hosts[i].roles[j]); 50 leaves room for anchors and oddities. */
    static final int MAX_DEPTH = 50;

    private ConfigSource() {}

    /** The file's text, or a one-line reason it cannot be used (missing, a directory, permission, too big, not UTF-8). */
    static String read(Path file) throws ConfigException {
        String name = file.toString();
        if (Files.isDirectory(file)) throw fail(name, 0, "is a directory, not a config file (use -c FILE)");
        byte[] bytes;
        try (InputStream in = Files.newInputStream(file)) {
            bytes = in.readNBytes(MAX_BYTES + 1);
        } catch (NoSuchFileException e) {
            throw fail(name, 0, "config file not found (use -c FILE to point at another)");
        } catch (AccessDeniedException e) {
            throw fail(name, 0, "cannot read the config file: permission denied for the user running djdeploy");
        } catch (IOException e) {
            throw fail(name, 0, "cannot read the config file: " + e.getMessage());
        }
        if (bytes.length > MAX_BYTES) {
            throw fail(name, 0, "is larger than 1 MiB, the most djdeploy reads of a config file (a deploy.yml is a few KiB: is -c pointing at the right file?)");
        }
        return decode(name, bytes);
    }

    /** UTF-8, strictly: a Latin-1 'é' must not turn into U+FFFD inside a path or a command. */
    static String decode(String name, byte[] bytes) throws ConfigException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(bytes);
        CharBuffer out = CharBuffer.allocate(bytes.length); // UTF-8 never decodes to more chars than bytes
        CoderResult result = decoder.decode(in, out, true);
        if (!result.isError()) result = decoder.flush(out);
        if (result.isError()) {
            int at = in.position();
            int line = 1;
            int lineStart = 0;
            for (int i = 0; i < at; i++) {
                if (bytes[i] == '\n') {
                    line++;
                    lineStart = i + 1;
                }
            }
            throw fail(name, line, String.format("is not UTF-8 text: byte 0x%02X at column %d (save the file as UTF-8)",
                    bytes[at] & 0xff, at - lineStart + 1));
        }
        return out.flip().toString();
    }

    /** The document's root node, or null with the problem added to {@code errors}. */
    static Node compose(String name, String text, List<ConfigError> errors) {
        LoadSettings settings = LoadSettings.builder().setLabel(name).setUseMarks(true).build();
        try {
            Parser parser = new DepthLimit(new ParserImpl(settings, new StreamReader(settings, text)));
            Optional<Node> node = new Composer(settings, parser).getSingleNode();
            if (node.isEmpty()) {
                errors.add(new ConfigError(name, 0, "", "the file is empty"));
                return null;
            }
            return node.get();
        } catch (TooDeep e) {
            errors.add(new ConfigError(name, e.line, "", "invalid YAML: nested more than " + MAX_DEPTH
                    + " levels deep (a deploy.yml needs about 5)"));
            return null;
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().map(m -> m.getLine() + 1).orElse(0);
            errors.add(new ConfigError(name, line, "", "invalid YAML: " + yamlProblem(e, line)));
            return null;
        } catch (ReaderException e) {
            errors.add(new ConfigError(name, lineAt(text, e.getPosition()), "", String.format(
                    "invalid YAML: the character U+%04X is not allowed in YAML text", e.getCodePoint())));
            return null;
        } catch (YamlEngineException e) {
            errors.add(new ConfigError(name, 0, "", "invalid YAML: " + firstLine(e.getMessage())));
            return null;
        }
    }

    /** The line of the {@code position}-th code point (snakeyaml's reader counts code points). */
    private static int lineAt(String text, int position) {
        return 1 + (int) text.codePoints().limit(Math.max(0, position)).filter(cp -> cp == '\n').count();
    }

    /** snakeyaml's problem, plus where the unfinished construct began when that is another line (an unclosed [ is often far above). */
    private static String yamlProblem(MarkedYamlEngineException e, int line) {
        String problem = firstLine(e.getProblem());
        if (problem.contains("\\t(TAB)")) return "a tab character indents this line; YAML is indented with spaces only";
        int started = e.getContextMark().map(m -> m.getLine() + 1).orElse(0);
        if (e.getContext() != null && started > 0 && started != line) {
            problem += " (" + e.getContext() + " that starts at line " + started + ")";
        }
        return problem;
    }

    private static String firstLine(String s) {
        if (s == null) return "syntax error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static ConfigException fail(String name, int line, String message) {
        return new ConfigException(List.of(new ConfigError(name, line, "", message)));
    }

    /** Stops the parse at the first collection nested deeper than {@link #MAX_DEPTH}, before the composer recurses into it. */
    private static final class DepthLimit implements Parser {
        private final Parser parser;
        private int depth;

        DepthLimit(Parser parser) {
            this.parser = parser;
        }

        @Override
        public boolean checkEvent(Event.ID id) {
            return parser.checkEvent(id);
        }

        @Override
        public Event peekEvent() {
            return parser.peekEvent();
        }

        @Override
        public boolean hasNext() {
            return parser.hasNext();
        }

        @Override
        public Event next() {
            Event e = parser.next();
            switch (e.getEventId()) {
                case SequenceStart, MappingStart -> {
                    if (++depth > MAX_DEPTH) throw new TooDeep(e.getStartMark().map(Mark::getLine).orElse(-1) + 1);
                }
                case SequenceEnd, MappingEnd -> depth--;
                default -> { }
            }
            return e;
        }
    }

    private static final class TooDeep extends RuntimeException {
        final int line;

        TooDeep(int line) {
            super(null, null, false, false);
            this.line = line;
        }
    }
}
