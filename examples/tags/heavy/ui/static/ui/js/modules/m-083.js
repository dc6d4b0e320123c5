// ui module 083 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-010.js", "./m-056.js"];
  function init083(el) {
    if (!el) { return; }
    el.classList.add("c-003");
    el.setAttribute("data-module", "m-083");
    el.addEventListener("click", function () { el.classList.toggle("c-003--active"); });
    return { name: "m-083", deps: deps, weight: 42 };
  }
  root.ui = root.ui || {};
  root.ui["m-083"] = init083;
})(this);
