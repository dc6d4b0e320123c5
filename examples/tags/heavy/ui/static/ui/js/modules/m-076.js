// ui module 076 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-109.js", "./m-021.js"];
  function init076(el) {
    if (!el) { return; }
    el.classList.add("c-076");
    el.setAttribute("data-module", "m-076");
    el.addEventListener("click", function () { el.classList.toggle("c-076--active"); });
    return { name: "m-076", deps: deps, weight: 86 };
  }
  root.ui = root.ui || {};
  root.ui["m-076"] = init076;
})(this);
