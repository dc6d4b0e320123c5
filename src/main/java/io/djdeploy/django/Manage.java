package io.djdeploy.django;

import io.djdeploy.config.DjangoConfig;
import io.djdeploy.release.ReleaseLayout;
import io.djdeploy.remote.Command;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds manage.py command lines for a release: the release's own venv, its own copy of the
 * helper, the env file loaded by the helper (so no secret is ever on a command line).
 */
public final class Manage {
    private Manage() {}

    /**
     * Whether a Django command may be answered by the release's warm Django process (the
     * helper's {@code --warm}: one Django start for the several questions a deploy asks a new
     * release, issue 18), and whether that process stops after it ({@code --warm-last}). The
     * command does the same either way; without a warm process it runs in its own, as before.
     */
    public enum Warm {
        OFF, ON, LAST;

        public List<String> flag() {
            return switch (this) {
                case OFF -> List.of();
                case ON -> List.of("--warm");
                case LAST -> List.of("--warm-last");
            };
        }
    }

    public static Command command(ReleaseLayout layout, String id, DjangoConfig django, String... args) {
        return command(layout, id, django, Warm.OFF, args);
    }

    /** {@code manage.py ARGS} in the release, through its warm Django process when {@code warm} says so. */
    public static Command command(ReleaseLayout layout, String id, DjangoConfig django, Warm warm, String... args) {
        String manage = django.manage();
        List<String> argv = new ArrayList<>(helper(layout, id, django, "run"));
        argv.addAll(warm.flag());
        argv.add("--");
        argv.add(layout.venvPython(id));
        argv.add(manage.substring(manage.lastIndexOf('/') + 1));
        argv.addAll(List.of(args));
        return Command.of(argv).in(projectDir(layout, id, django));
    }

    /** The directory that holds manage.py in a release: where Django commands run. */
    public static String projectDir(ReleaseLayout layout, String id, DjangoConfig django) {
        int slash = django.manage().lastIndexOf('/');
        return slash < 0 ? layout.release(id) : layout.release(id) + "/" + django.manage().substring(0, slash);
    }

    /** {@code python helper.py run [--env-file F] [--settings M] --}: the prefix that loads the env file. */
    public static List<String> helperRun(ReleaseLayout layout, String id, DjangoConfig django) {
        List<String> argv = helper(layout, id, django, "run");
        argv.add("--");
        return argv;
    }

    /** {@code python helper.py SUB [--env-file F] [--settings M]} with the release's own interpreter and helper. */
    public static List<String> helper(ReleaseLayout layout, String id, DjangoConfig django, String sub) {
        List<String> argv = new ArrayList<>(List.of(layout.venvPython(id), layout.helper(id), sub));
        if (django.envFile() != null) {
            argv.add("--env-file");
            argv.add(django.envFile());
        }
        if (django.settings() != null) {
            argv.add("--settings");
            argv.add(django.settings());
        }
        return argv;
    }

}
