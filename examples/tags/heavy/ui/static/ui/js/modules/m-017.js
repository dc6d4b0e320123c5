// ui module 017 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-052.js", "./m-086.js"];
  function init017(el) {
    if (!el) { return; }
    el.classList.add("c-017");
    el.setAttribute("data-module", "m-017");
    el.addEventListener("click", function () { el.classList.toggle("c-017--active"); });
    return { name: "m-017", deps: deps, weight: 24 };
  }
  root.ui = root.ui || {};
  root.ui["m-017"] = init017;
})(this);
