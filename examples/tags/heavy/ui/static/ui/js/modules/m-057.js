// ui module 057 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-052.js", "./m-046.js"];
  function init057(el) {
    if (!el) { return; }
    el.classList.add("c-057");
    el.setAttribute("data-module", "m-057");
    el.addEventListener("click", function () { el.classList.toggle("c-057--active"); });
    return { name: "m-057", deps: deps, weight: 90 };
  }
  root.ui = root.ui || {};
  root.ui["m-057"] = init057;
})(this);
