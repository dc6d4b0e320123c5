package io.djdeploy.config;

import org.snakeyaml.engine.v2.nodes.Node;

/** A value node, the key path it was found at, and the line of its key (0 for list items). */
record Located(Node node, String path, int keyLine) {
    Located(Node node, String path) {
        this(node, path, 0);
    }
}
