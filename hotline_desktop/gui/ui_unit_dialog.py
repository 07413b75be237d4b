# ruff: noqa
# -*- coding: utf-8 -*-

################################################################################
## Form generated from reading UI file 'unit_dialog.ui'
##
## Created by: Qt User Interface Compiler version 6.12.0
##
## WARNING! All changes made in this file will be lost when recompiling UI file!
################################################################################

from PySide6.QtCore import (QCoreApplication, QDate, QDateTime, QLocale,
    QMetaObject, QObject, QPoint, QRect,
    QSize, QTime, QUrl, Qt)
from PySide6.QtGui import (QBrush, QColor, QConicalGradient, QCursor,
    QFont, QFontDatabase, QGradient, QIcon,
    QImage, QKeySequence, QLinearGradient, QPainter,
    QPalette, QPixmap, QRadialGradient, QTransform)
from PySide6.QtWidgets import (QAbstractButton, QApplication, QCheckBox, QComboBox,
    QDialog, QDialogButtonBox, QFormLayout, QLabel,
    QLineEdit, QPlainTextEdit, QSizePolicy, QSpacerItem,
    QVBoxLayout, QWidget)

class Ui_UnitDialog(object):
    def setupUi(self, UnitDialog):
        if not UnitDialog.objectName():
            UnitDialog.setObjectName(u"UnitDialog")
        UnitDialog.resize(460, 520)
        UnitDialog.setModal(True)
        self.mainLayout = QVBoxLayout(UnitDialog)
        self.mainLayout.setObjectName(u"mainLayout")
        self.form = QFormLayout()
        self.form.setObjectName(u"form")
        self.form.setFieldGrowthPolicy(QFormLayout.AllNonFixedFieldsGrow)
        self.form.setLabelAlignment(Qt.AlignRight|Qt.AlignTop|Qt.AlignTrailing)
        self.codeLabel = QLabel(UnitDialog)
        self.codeLabel.setObjectName(u"codeLabel")

        self.form.setWidget(0, QFormLayout.ItemRole.LabelRole, self.codeLabel)

        self.codeBox = QVBoxLayout()
        self.codeBox.setSpacing(2)
        self.codeBox.setObjectName(u"codeBox")
        self.codeEdit = QLineEdit(UnitDialog)
        self.codeEdit.setObjectName(u"codeEdit")
        self.codeEdit.setMaxLength(32)

        self.codeBox.addWidget(self.codeEdit)

        self.codeError = QLabel(UnitDialog)
        self.codeError.setObjectName(u"codeError")
        self.codeError.setWordWrap(True)

        self.codeBox.addWidget(self.codeError)


        self.form.setLayout(0, QFormLayout.ItemRole.FieldRole, self.codeBox)

        self.nameLabel = QLabel(UnitDialog)
        self.nameLabel.setObjectName(u"nameLabel")

        self.form.setWidget(1, QFormLayout.ItemRole.LabelRole, self.nameLabel)

        self.nameBox = QVBoxLayout()
        self.nameBox.setSpacing(2)
        self.nameBox.setObjectName(u"nameBox")
        self.nameEdit = QLineEdit(UnitDialog)
        self.nameEdit.setObjectName(u"nameEdit")
        self.nameEdit.setMaxLength(100)

        self.nameBox.addWidget(self.nameEdit)

        self.nameError = QLabel(UnitDialog)
        self.nameError.setObjectName(u"nameError")
        self.nameError.setWordWrap(True)

        self.nameBox.addWidget(self.nameError)


        self.form.setLayout(1, QFormLayout.ItemRole.FieldRole, self.nameBox)

        self.kindLabel = QLabel(UnitDialog)
        self.kindLabel.setObjectName(u"kindLabel")

        self.form.setWidget(2, QFormLayout.ItemRole.LabelRole, self.kindLabel)

        self.kindBox = QVBoxLayout()
        self.kindBox.setSpacing(2)
        self.kindBox.setObjectName(u"kindBox")
        self.kindCombo = QComboBox(UnitDialog)
        self.kindCombo.setObjectName(u"kindCombo")

        self.kindBox.addWidget(self.kindCombo)

        self.kindError = QLabel(UnitDialog)
        self.kindError.setObjectName(u"kindError")
        self.kindError.setWordWrap(True)

        self.kindBox.addWidget(self.kindError)


        self.form.setLayout(2, QFormLayout.ItemRole.FieldRole, self.kindBox)

        self.parentLabel = QLabel(UnitDialog)
        self.parentLabel.setObjectName(u"parentLabel")

        self.form.setWidget(3, QFormLayout.ItemRole.LabelRole, self.parentLabel)

        self.parentBox = QVBoxLayout()
        self.parentBox.setSpacing(2)
        self.parentBox.setObjectName(u"parentBox")
        self.parentCombo = QComboBox(UnitDialog)
        self.parentCombo.setObjectName(u"parentCombo")
        self.parentCombo.setEditable(True)
        self.parentCombo.setInsertPolicy(QComboBox.NoInsert)
        self.parentCombo.setMaxVisibleItems(15)

        self.parentBox.addWidget(self.parentCombo)

        self.parentError = QLabel(UnitDialog)
        self.parentError.setObjectName(u"parentError")
        self.parentError.setWordWrap(True)

        self.parentBox.addWidget(self.parentError)


        self.form.setLayout(3, QFormLayout.ItemRole.FieldRole, self.parentBox)

        self.contactLabel = QLabel(UnitDialog)
        self.contactLabel.setObjectName(u"contactLabel")

        self.form.setWidget(4, QFormLayout.ItemRole.LabelRole, self.contactLabel)

        self.contactBox = QVBoxLayout()
        self.contactBox.setSpacing(2)
        self.contactBox.setObjectName(u"contactBox")
        self.contactEdit = QLineEdit(UnitDialog)
        self.contactEdit.setObjectName(u"contactEdit")

        self.contactBox.addWidget(self.contactEdit)

        self.contactError = QLabel(UnitDialog)
        self.contactError.setObjectName(u"contactError")
        self.contactError.setWordWrap(True)

        self.contactBox.addWidget(self.contactError)


        self.form.setLayout(4, QFormLayout.ItemRole.FieldRole, self.contactBox)

        self.phoneLabel = QLabel(UnitDialog)
        self.phoneLabel.setObjectName(u"phoneLabel")

        self.form.setWidget(5, QFormLayout.ItemRole.LabelRole, self.phoneLabel)

        self.phoneBox = QVBoxLayout()
        self.phoneBox.setSpacing(2)
        self.phoneBox.setObjectName(u"phoneBox")
        self.phoneEdit = QLineEdit(UnitDialog)
        self.phoneEdit.setObjectName(u"phoneEdit")

        self.phoneBox.addWidget(self.phoneEdit)

        self.phoneError = QLabel(UnitDialog)
        self.phoneError.setObjectName(u"phoneError")
        self.phoneError.setWordWrap(True)

        self.phoneBox.addWidget(self.phoneError)


        self.form.setLayout(5, QFormLayout.ItemRole.FieldRole, self.phoneBox)

        self.activeCheck = QCheckBox(UnitDialog)
        self.activeCheck.setObjectName(u"activeCheck")
        self.activeCheck.setChecked(True)

        self.form.setWidget(6, QFormLayout.ItemRole.FieldRole, self.activeCheck)

        self.notesLabel = QLabel(UnitDialog)
        self.notesLabel.setObjectName(u"notesLabel")

        self.form.setWidget(7, QFormLayout.ItemRole.LabelRole, self.notesLabel)

        self.notesBox = QVBoxLayout()
        self.notesBox.setSpacing(2)
        self.notesBox.setObjectName(u"notesBox")
        self.notesEdit = QPlainTextEdit(UnitDialog)
        self.notesEdit.setObjectName(u"notesEdit")
        self.notesEdit.setTabChangesFocus(True)
        self.notesEdit.setMaximumSize(QSize(16777215, 90))

        self.notesBox.addWidget(self.notesEdit)

        self.notesError = QLabel(UnitDialog)
        self.notesError.setObjectName(u"notesError")
        self.notesError.setWordWrap(True)

        self.notesBox.addWidget(self.notesError)


        self.form.setLayout(7, QFormLayout.ItemRole.FieldRole, self.notesBox)


        self.mainLayout.addLayout(self.form)

        self.generalError = QLabel(UnitDialog)
        self.generalError.setObjectName(u"generalError")
        self.generalError.setWordWrap(True)

        self.mainLayout.addWidget(self.generalError)

        self.verticalSpacer = QSpacerItem(20, 0, QSizePolicy.Policy.Minimum, QSizePolicy.Policy.Expanding)

        self.mainLayout.addItem(self.verticalSpacer)

        self.buttonBox = QDialogButtonBox(UnitDialog)
        self.buttonBox.setObjectName(u"buttonBox")
        self.buttonBox.setStandardButtons(QDialogButtonBox.Cancel|QDialogButtonBox.Ok)

        self.mainLayout.addWidget(self.buttonBox)

#if QT_CONFIG(shortcut)
        self.codeLabel.setBuddy(self.codeEdit)
        self.nameLabel.setBuddy(self.nameEdit)
        self.kindLabel.setBuddy(self.kindCombo)
        self.parentLabel.setBuddy(self.parentCombo)
        self.contactLabel.setBuddy(self.contactEdit)
        self.phoneLabel.setBuddy(self.phoneEdit)
        self.notesLabel.setBuddy(self.notesEdit)
#endif // QT_CONFIG(shortcut)
        QWidget.setTabOrder(self.codeEdit, self.nameEdit)
        QWidget.setTabOrder(self.nameEdit, self.kindCombo)
        QWidget.setTabOrder(self.kindCombo, self.parentCombo)
        QWidget.setTabOrder(self.parentCombo, self.contactEdit)
        QWidget.setTabOrder(self.contactEdit, self.phoneEdit)
        QWidget.setTabOrder(self.phoneEdit, self.activeCheck)
        QWidget.setTabOrder(self.activeCheck, self.notesEdit)

        self.retranslateUi(UnitDialog)

        QMetaObject.connectSlotsByName(UnitDialog)
    # setupUi

    def retranslateUi(self, UnitDialog):
        UnitDialog.setWindowTitle(QCoreApplication.translate("UnitDialog", u"\u627f\u529e\u5355\u4f4d", None))
        self.codeLabel.setText(QCoreApplication.translate("UnitDialog", u"\u7f16\u7801(&C)\uff1a", None))
        self.codeEdit.setPlaceholderText(QCoreApplication.translate("UnitDialog", u"\u5982 SQ001\uff0c\u5b57\u6bcd\u3001\u6570\u5b57\u3001- \u6216 _", None))
        self.nameLabel.setText(QCoreApplication.translate("UnitDialog", u"\u540d\u79f0(&N)\uff1a", None))
        self.kindLabel.setText(QCoreApplication.translate("UnitDialog", u"\u7c7b\u578b(&K)\uff1a", None))
        self.parentLabel.setText(QCoreApplication.translate("UnitDialog", u"\u4e0a\u7ea7\u5355\u4f4d(&P)\uff1a", None))
        self.contactLabel.setText(QCoreApplication.translate("UnitDialog", u"\u8054\u7cfb\u4eba(&L)\uff1a", None))
        self.phoneLabel.setText(QCoreApplication.translate("UnitDialog", u"\u8054\u7cfb\u7535\u8bdd(&T)\uff1a", None))
        self.phoneEdit.setPlaceholderText(QCoreApplication.translate("UnitDialog", u"\u624b\u673a 11 \u4f4d\uff0c\u6216\u5ea7\u673a\u5982 0531-88881234", None))
        self.activeCheck.setText(QCoreApplication.translate("UnitDialog", u"\u542f\u7528(&A)", None))
        self.notesLabel.setText(QCoreApplication.translate("UnitDialog", u"\u5907\u6ce8(&R)\uff1a", None))
    # retranslateUi

