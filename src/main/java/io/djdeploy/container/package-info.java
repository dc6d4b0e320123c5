/**
 * Container releases ({@code runtime: container}, docs/containers.md): the docker command lines a
 * deploy runs, built as data so that {@code plan} shows exactly what {@code run} runs. Below web
 * and django (their container-shaped steps use these builders), above step.
 */
package io.djdeploy.container;
