package io.djdeploy.template;

/** A template that cannot be rendered: the message names the file, the line and the placeholder. */
public final class TemplateException extends RuntimeException {
    public TemplateException(String message) {
        super(message);
    }
}
