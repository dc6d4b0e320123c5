// ui module 097 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-052.js", "./m-006.js"];
  function init097(el) {
    if (!el) { return; }
    el.classList.add("c-017");
    el.setAttribute("data-module", "m-097");
    el.addEventListener("click", function () { el.classList.toggle("c-017--active"); });
    return { name: "m-097", deps: deps, weight: 55 };
  }
  root.ui = root.ui || {};
  root.ui["m-097"] = init097;
})(this);
