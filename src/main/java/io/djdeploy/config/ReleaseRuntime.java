package io.djdeploy.config;

/** What a release is on a host: a directory with its own virtualenv (the default), or a container image. */
public enum ReleaseRuntime {
    VIRTUALENV, CONTAINER
}
