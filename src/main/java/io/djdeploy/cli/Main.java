package io.djdeploy.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

import java.io.PrintWriter;
import java.util.Arrays;

@Command(name = "djdeploy", mixinStandardHelpOptions = true, versionProvider = Main.Version.class,
        description = "Ordered, fail-fast, verified and reversible deploys for Django.",
        subcommands = {DeployCommand.class, PlanCommand.class, RollbackCommand.class, StatusCommand.class,
                ReleasesCommand.class, LockCommand.class, UnlockCommand.class, MigrationsCommand.class, CheckCommand.class, ChecklistCommand.class, CompletionCommand.class, DemoCommand.class,
                InitCommand.class, ExportScriptCommand.class, ReportCommand.class, MaintenanceCommand.class, ExecCommand.class, LogsCommand.class,
                CompleteCommand.class})
public class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: deploy, plan, rollback, status, releases, migrations, check, checklist, lock, unlock, init, export-script, report, exec, logs, completion or demo");
    }

    public static void main(String[] args) {
        System.exit(execute(args, new PrintWriter(System.out, true), new PrintWriter(System.err, true)));
    }

    /** Runs a command line; returns the exit code. Tests call this with their own writers. */
    public static int execute(String[] args, PrintWriter out, PrintWriter err) {
        boolean stacktrace = Arrays.asList(args).contains("--stacktrace");
        boolean json = Arrays.asList(args).contains("json") && Arrays.asList(args).contains("--format")
                || Arrays.asList(args).contains("--format=json");
        // the final error line is printed outside any command: it reads --color itself (NO_COLOR, FORCE_COLOR as everywhere)
        Style style = errorStyle(args, System.getenv(), System.console() != null);
        CommandLine cl = new CommandLine(new Main());
        // every subcommand answers -h/--help, even those whose required ENV would otherwise be demanded first
        for (CommandLine sub : cl.getSubcommands().values()) {
            CommandLine.Model.CommandSpec cs = sub.getCommandSpec();
            if (cs.options().stream().noneMatch(CommandLine.Model.OptionSpec::usageHelp)) {
                cs.addOption(CommandLine.Model.OptionSpec.builder("-h", "--help").usageHelp(true)
                        .description("Show this help message and exit.").build());
            }
        }
        cl.setOut(out);
        cl.setErr(err);
        cl.setExecutionExceptionHandler((ex, commandLine, parseResult) ->
                error(ex, redactor(commandLine.getCommand()), json, stacktrace, out, err, style));
        // a bad command line reads like every other error: one "djdeploy: error:" line, then a hint (not the whole usage)
        cl.setParameterExceptionHandler((ex, arguments) -> {
            String message = usageMessage(ex);
            if (json) new JsonRenderer(out, new io.djdeploy.step.Redactor()).error(ExitCode.USAGE, message);
            err.println(style.red("djdeploy: error: ") + message);
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, err);
            err.println("See '" + ex.getCommandLine().getCommandSpec().qualifiedName() + " --help'.");
            if (stacktrace) ex.printStackTrace(err);
            err.flush();
            return ExitCode.USAGE.code;
        });
        return cl.execute(args);
    }

    /**
     * The final error: one line on stderr, an {@code error} event with --format json, the stack
     * trace with --stacktrace. Each is masked by the command's redactor (it knows the env file's
     * values and the config's secrets by now) BEFORE it is escaped as JSON, and the line is made
     * safe for a terminal (the message may quote a host's output).
     */
    static int error(Exception ex, io.djdeploy.step.Redactor redactor, boolean json, boolean stacktrace, PrintWriter out, PrintWriter err) {
        return error(ex, redactor, json, stacktrace, out, err, Style.detect());
    }

    static int error(Exception ex, io.djdeploy.step.Redactor redactor, boolean json, boolean stacktrace, PrintWriter out, PrintWriter err,
                     Style style) {
        // a template of the project's deploy/templates/ that does not render is the user's config
        ExitCode code = ex instanceof CliException ce ? ce.exitCode()
                : ex instanceof io.djdeploy.template.TemplateException ? ExitCode.CONFIG : ExitCode.FAILURE;
        String message = redactor.apply(ex instanceof CliException || ex instanceof io.djdeploy.template.TemplateException ? ex.getMessage()
                : "unexpected error: " + ex + (stacktrace ? "" : " (run again with --stacktrace for details)"));
        if (json) {
            JsonRenderer events = new JsonRenderer(out, redactor);
            if (ex instanceof CliException ce) ce.configErrors().forEach(events::configError);
            events.error(code, message);
        }
        err.println(style.red("djdeploy: error: ") + TextRenderer.terminalSafe(message, false));
        if (stacktrace) {
            java.io.StringWriter trace = new java.io.StringWriter();
            ex.printStackTrace(new PrintWriter(trace));
            err.print(TextRenderer.terminalSafe(redactor.apply(trace.toString()), false));
        }
        err.flush();
        return code.code;
    }

    /**
     * The style of the error line: {@code --color WHEN} or {@code --color=WHEN} among djdeploy's own
     * words (not after {@code --}, where exec's command begins); auto when absent or not a valid value.
     */
    static Style errorStyle(String[] args, java.util.Map<String, String> env, boolean terminal) {
        OutputMixin.Color flag = OutputMixin.Color.auto;
        for (int i = 0; i < args.length && !args[i].equals("--"); i++) {
            String value = args[i].startsWith("--color=") ? args[i].substring("--color=".length())
                    : args[i].equals("--color") && i + 1 < args.length ? args[i + 1] : null;
            if (value == null) continue;
            try {
                flag = OutputMixin.Color.valueOf(value);
            } catch (IllegalArgumentException e) {
                // picocli reports the bad value; its line keeps the default
            }
        }
        return Style.of(flag, env, terminal);
    }

    /** The redactor a command filled while it ran (env file values, config secrets), or an empty one. */
    static io.djdeploy.step.Redactor redactor(Object command) {
        if (command instanceof EnvCommand c) return c.redactor;
        if (command instanceof MigrationsCommand m) return m.redactor;
        return new io.djdeploy.step.Redactor();
    }

    /** picocli's message on one line, starting lower-case like every other djdeploy error. */
    static String usageMessage(CommandLine.ParameterException ex) {
        String m = ex.getMessage() == null ? "invalid command line" : ex.getMessage().strip();
        int nl = m.indexOf('\n');
        if (nl >= 0) m = m.substring(0, nl).strip();
        if (m.length() > 1 && Character.isUpperCase(m.charAt(0)) && Character.isLowerCase(m.charAt(1))) {
            m = Character.toLowerCase(m.charAt(0)) + m.substring(1);
        }
        return m;
    }

    /** Version and the git sha it was built from (filled in by the build). */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() throws java.io.IOException {
            java.util.Properties p = new java.util.Properties();
            try (java.io.InputStream in = Main.class.getResourceAsStream("/io/djdeploy/version.properties")) {
                if (in != null) p.load(in);
            }
            String version = p.getProperty("version", "dev");
            String sha = p.getProperty("sha", "");
            if (sha.isEmpty() || sha.startsWith("${")) sha = "unknown";
            boolean dirty = "true".equals(p.getProperty("dirty"));
            return new String[]{"djdeploy " + version + " (git " + sha + (dirty ? ", with uncommitted changes" : "") + ")"};
        }
    }
}
