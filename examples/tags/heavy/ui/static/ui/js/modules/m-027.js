// ui module 027 (build 1)
(function (root) {
  "use strict";
  var deps = ["./m-082.js", "./m-016.js"];
  function init027(el) {
    if (!el) { return; }
    el.classList.add("c-027");
    el.setAttribute("data-module", "m-027");
    el.addEventListener("click", function () { el.classList.toggle("c-027--active"); });
    return { name: "m-027", deps: deps, weight: 91 };
  }
  root.ui = root.ui || {};
  root.ui["m-027"] = init027;
})(this);
