;;; emacs_e2e.el --- specls in a real Emacs, through eglot  -*- lexical-binding: t -*-
;;
;;   emacs --batch -q -l emacs_e2e.el WORKSPACE
;;
;; WORKSPACE is a scratch copy of tests/e2e/workspace; `specls' is whatever PATH finds first
;; (the runner puts target/debug in front). The set-up is the one editors/README.md gives
;; for eglot, with markdown-mode. Each step prints `PASS name' or `FAIL name: why' on
;; stdout and the next step runs regardless; the exit status is the number of failures.

;; No user init file (-q), but the site's start-up: it activates Debian's elpa-* packages
;; (eglot, markdown-mode and what they need). Packages installed with package.el are
;; activated too; nothing is fetched.
(require 'package)
(package-initialize)
(require 'markdown-mode)
(require 'eglot)
(require 'xref)

(defvar e2e-workspace (file-name-as-directory (expand-file-name (car command-line-args-left))))
(defconst e2e-start-seconds 20)
(defconst e2e-answer-seconds 5)
(defvar e2e-passed 0)
(defvar e2e-failed 0)

(defun e2e-say (line)
  (princ (concat line "\n")))

(defmacro e2e-step (name &rest body)
  "Run BODY as the step NAME: it passes unless it signals an error."
  (declare (indent 1))
  `(condition-case err
       (progn ,@body
              (setq e2e-passed (1+ e2e-passed))
              (e2e-say (concat "PASS " ,name)))
     (error
      (setq e2e-failed (1+ e2e-failed))
      (e2e-say (format "FAIL %s: %s" ,name
                       (replace-regexp-in-string "\n" " " (error-message-string err)))))))

(defun e2e-check (condition format-string &rest args)
  (unless condition
    (error "%s" (apply #'format format-string args))))

(defun e2e-wait (seconds predicate)
  "Process server output until PREDICATE holds or SECONDS pass; return its value."
  (let ((deadline (+ (float-time) seconds))
        (value nil))
    (while (and (not (setq value (funcall predicate)))
                (< (float-time) deadline))
      (accept-process-output nil 0.05))
    value))

;; The workspace root is the folder with .specls.yaml, as in the Neovim configuration.
;; Emacs 29 says this with `project-vc-extra-root-markers'; Emacs 28's project.el finds
;; version-control roots only, so the test names the root itself.
(add-hook 'project-find-functions
          (lambda (dir)
            (let ((root (locate-dominating-file dir ".specls.yaml")))
              (and root (cons 'transient (expand-file-name root))))))

;; The set-up of editors/README.md.
(add-to-list 'eglot-server-programs '((markdown-mode gfm-mode) . ("specls")))
(add-hook 'markdown-mode-hook #'eglot-ensure)
(setq eglot-sync-connect e2e-start-seconds)

(defun e2e-open (relative)
  "Visit RELATIVE in the workspace and wait until eglot manages it."
  (let ((buffer (find-file-noselect (expand-file-name relative e2e-workspace))))
    (with-current-buffer buffer
      ;; `eglot-ensure' connects once the command that opened the file ends; batch Emacs
      ;; has no command loop, so end one here.
      (run-hooks 'post-command-hook)
      (e2e-check (derived-mode-p 'markdown-mode) "%s is in %s, not markdown-mode" relative major-mode)
      (e2e-check (e2e-wait e2e-start-seconds (lambda () (eglot-current-server)))
                 "eglot did not start specls for %s" relative))
    buffer))

(defun e2e-goto (text &optional offset)
  (goto-char (point-min))
  (e2e-check (search-forward text nil t) "%S is not in %s" text (buffer-name))
  (goto-char (+ (match-beginning 0) (or offset 0))))

(defvar e2e-receipts nil)

(e2e-step "attach: eglot starts specls for markdown-mode at the .specls.yaml root"
  (setq e2e-receipts (e2e-open "specs/payments/receipts.md"))
  (with-current-buffer e2e-receipts
    (let ((server (eglot-current-server)))
      (e2e-check (equal (process-command (jsonrpc--process server)) '("specls"))
                 "the command is %S" (process-command (jsonrpc--process server)))
      (e2e-check (equal (file-name-as-directory (expand-file-name (project-root (eglot--project server))))
                        e2e-workspace)
                 "the root is %s" (project-root (eglot--project server)))
      (e2e-check (equal (plist-get (eglot--server-info server) :name) "specls")
                 "serverInfo is %S" (eglot--server-info server)))))

(e2e-step "diagnostics: invalid-value and missing-section reach flymake"
  (with-current-buffer e2e-receipts
    (flymake-mode 1)
    (flymake-start)
    (let* ((texts nil)
           (found (e2e-wait e2e-start-seconds
                            (lambda ()
                              (setq texts (mapcar #'flymake-diagnostic-text (flymake-diagnostics)))
                              (and (seq-some (lambda (text) (string-match-p "urgent" text)) texts)
                                   (seq-some (lambda (text) (string-match-p "missing section" text)) texts))))))
      (e2e-check found "flymake has %S" texts)
      (let ((urgent (seq-find (lambda (d) (string-match-p "urgent" (flymake-diagnostic-text d)))
                              (flymake-diagnostics))))
        (e2e-check (eq (flymake-diagnostic-type urgent) 'eglot-error)
                   "the invalid value is a %S" (flymake-diagnostic-type urgent))
        (e2e-check (= (line-number-at-pos (flymake-diagnostic-beg urgent)) 6)
                   "the invalid value is on line %d, not 6"
                   (line-number-at-pos (flymake-diagnostic-beg urgent)))))))

(e2e-step "completion: status values in frontmatter through completion-at-point"
  (with-current-buffer e2e-receipts
    (e2e-goto "status: ")
    (delete-region (point) (line-end-position))
    (insert "status: ")
    (let* ((capf (eglot-completion-at-point))
           (table (nth 2 capf))
           (labels (and table (all-completions "" table))))
      (dolist (value '("draft" "review" "approved" "in-progress"))
        (e2e-check (member value labels) "%s is not offered; got %S" value labels)))
    (insert "draft")))

(defvar e2e-invoices nil)

(e2e-step "hover: an id shows the title of the spec that defines it"
  (setq e2e-invoices (e2e-open "specs/payments/invoices.md"))
  (with-current-buffer e2e-invoices
    (e2e-goto "through AUTH-1" (+ (length "through ") 2))
    (let* ((hover (jsonrpc-request (eglot-current-server) :textDocument/hover
                                   (eglot--TextDocumentPositionParams)))
           (contents (plist-get hover :contents))
           (text (if (stringp contents) contents (plist-get contents :value))))
      (e2e-check (and text (string-match-p "Team sign-in with magic links" text))
                 "hover is %S" hover))))

(e2e-step "definition: xref on an id leads to the other spec's spec-id line"
  (with-current-buffer e2e-invoices
    (e2e-goto "through AUTH-1" (+ (length "through ") 2))
    (let* ((backend (xref-find-backend))
           (items (xref-backend-definitions backend (xref-backend-identifier-at-point backend)))
           (location (and items (xref-item-location (car items)))))
      (e2e-check (eq backend 'eglot) "the xref backend is %S" backend)
      (e2e-check location "no definition")
      (e2e-check (string-suffix-p "specs/auth/sessions.md" (xref-location-group location))
                 "the definition is in %s" (xref-location-group location))
      (with-current-buffer (find-file-noselect (expand-file-name "specs/auth/sessions.md" e2e-workspace))
        (goto-char (point-min))
        (forward-line (1- (xref-location-line location)))
        (e2e-check (looking-at "spec-id: AUTH-1") "line %d is %S" (xref-location-line location)
                   (buffer-substring (line-beginning-position) (line-end-position)))))))

(e2e-say (format "emacs: %d passed, %d failed" e2e-passed e2e-failed))
(dolist (server (hash-table-values eglot--servers-by-project))
  (dolist (each server)
    (ignore-errors (eglot-shutdown each))))
(kill-emacs (min e2e-failed 100))
