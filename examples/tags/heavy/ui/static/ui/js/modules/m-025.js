// ui module 025 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-076.js", "./m-006.js"];
  function init025(el) {
    if (!el) { return; }
    el.classList.add("c-025");
    el.setAttribute("data-module", "m-025");
    el.addEventListener("click", function () { el.classList.toggle("c-025--active"); });
    return { name: "m-025", deps: deps, weight: 17 };
  }
  root.ui = root.ui || {};
  root.ui["m-025"] = init025;
})(this);
